"""Declarations (R-LIST-1 … R-LIST-9): created, corrected, submitted against their cap, reviewed."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import (
    ACTIVE_NOTICE_STATUSES,
    DECLARATION_TRANSITIONS,
    OPEN_DECLARATION_STATUSES,
    DeclarationStatus,
    ListingCategory,
    ListingStatus,
    NoticeStatus,
    SuspensionCause,
)
from listings.models import (
    Declaration,
    DeclarationDocument,
    ExpertPanel,
    Listing,
    PriceLinkageNotice,
)
from listings.rules import check_declared_price
from listings.services.access import can_declare, local_today, require, require_reviewer, required_reason
from listings.services.lifecycle import _record_event, _transition_listing
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import national_lowest
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.files import check_document
from procurement.core.money import check_price
from procurement.core.scoping import visible_to
from procurement.credit.grades import check_may_declare, check_may_trade
from procurement.credit.selectors import bar_on, delisting_on
from procurement.organisations.models import User


def _declared_since(declaration: Declaration):
    """The company's other declarations submitted from a day: what a credit warning limits (R-SUP-3)."""

    def count(since: date) -> int:
        return (
            Declaration.objects.filter(manufacturer_id=declaration.manufacturer_id, submitted_at__date__gte=since)
            .exclude(pk=declaration.pk)
            .count()
        )

    return count


def _check_not_sanctioned(declaration: Declaration, *, on: date, submitting: bool = False) -> None:
    """R-LIST-14: a company on the bad-record list lists nothing for two years; R-SUP-3: a delisted
    product is not listed again while its delisting runs; a company whose credit grade suspends its
    listing declares and is listed nothing, and one under a credit warning submits no more new
    declarations than the limit (``procurement.credit.grades``)."""
    record = bar_on(declaration.manufacturer_id, on)
    if record is not None:
        raise DomainError(
            _("The company is on the bad-record list until %(until)s and may not list products (R-LIST-14).")
            % {"until": record.ends_on.isoformat()},
            code="company_barred",
            rule="R-LIST-14",
            params={"until": record.ends_on},
        )
    delisting = delisting_on(declaration.product_id, on)
    if delisting is not None:
        raise DomainError(
            _("“%(product)s” is delisted as a credit sanction and may not be listed again (R-SUP-3).")
            % {"product": declaration.product},
            code="product_delisted",
            field="product",
            rule="R-SUP-3",
            params={"until": delisting.ends_on},
        )
    if submitting:
        check_may_declare(declaration.manufacturer_id, on, declared_since=_declared_since(declaration))
    else:
        check_may_trade(declaration.manufacturer_id, on)


def _transition_declaration(declaration: Declaration, to_status: str) -> None:
    if to_status not in DECLARATION_TRANSITIONS[declaration.status]:
        raise Conflict(
            _("A declaration that is “%(status)s” cannot become “%(to)s”.")
            % {"status": declaration.get_status_display(), "to": DeclarationStatus(to_status).label},
            code="invalid_transition",
            field="status",
        )
    declaration.status = to_status


def _lock_declaration(actor: User, declaration_id: int, *, for_write=True) -> Declaration:
    return (
        visible_to(actor, Declaration, for_write=for_write)
        .select_for_update()
        .select_related("product", "manufacturer")
        .get(pk=declaration_id)
    )


# -- declarations -------------------------------------------------------------------------------


def _validate_declaration(*, product: Product, category: str, price: Decimal) -> Decimal:
    if category not in ListingCategory.values:
        raise DomainError(_("Choose one of the eight listing categories."), code="invalid_choice", field="category")
    if price is None:
        raise DomainError(_("Give the declared price."), code="required", field="price")
    return check_price(price, field="price")


def declaration_create(
    *,
    actor: User,
    product: Product,
    category: str,
    price: Decimal,
    note: str = "",
    notice: PriceLinkageNotice | None = None,
    submit: bool = False,
    documents: list | None = None,
) -> Declaration:
    """Start a declaration for one of the actor's products, with its supporting ``documents`` (files);
    ``submit`` sends it for review at once. All or nothing: a refused file or price keeps nothing."""
    require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    if product.manufacturer_id != actor.organisation_id:
        raise PermissionDenied(
            _("A manufacturer declares prices for its own products only."), code="not_own_product", field="product"
        )
    price = _validate_declaration(product=product, category=category, price=price)
    if notice is not None and notice.listing.product_id != product.pk:
        raise DomainError(_("The notice is about another product."), code="invalid", field="notice")
    with transaction.atomic(), audit_reason(_("Price declared")):
        existing = (
            Declaration.objects.filter(product=product, status__in=OPEN_DECLARATION_STATUSES).values_list(
                "pk", flat=True
            )
        ).first()
        if existing is not None:
            raise Conflict(
                _("This product already has a declaration in progress: finish or correct that one."),
                code="declaration_in_progress",
                field="product",
                params={"declaration": existing},
            )
        declaration = Declaration.objects.create(
            manufacturer_id=actor.organisation_id,
            product=product,
            category=category,
            price=price,
            note=note,
            notice=notice or _active_notice(product),
            created_by=actor,
        )
        for document in documents or []:
            declaration_document_add(actor=actor, declaration_id=declaration.pk, title="", file=document)
        if submit:
            declaration = declaration_submit(actor=actor, declaration_id=declaration.pk)
    return declaration


def _active_notice(product: Product) -> PriceLinkageNotice | None:
    return PriceLinkageNotice.objects.filter(listing__product=product, status__in=ACTIVE_NOTICE_STATUSES).first()


def declaration_update(
    *, actor: User, declaration_id: int, category: str, price: Decimal, note: str, documents: list | None = None
) -> Declaration:
    """Correct a draft or a declaration returned for correction, adding the supporting ``documents`` sent
    with the correction (all or nothing)."""
    require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    with transaction.atomic(), audit_reason(_("Declaration corrected")):
        declaration = _lock_declaration(actor, declaration_id)
        if declaration.status not in (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED):
            raise Conflict(_("Only a draft or a returned declaration can be changed."), code="not_editable")
        price = _validate_declaration(product=declaration.product, category=category, price=price)
        declaration.category, declaration.price, declaration.note = category, price, note
        declaration.save(update_fields=["category", "price", "note"])
        for document in documents or []:
            declaration_document_add(actor=actor, declaration_id=declaration.pk, title="", file=document)
    return declaration


def declaration_submit(*, actor: User, declaration_id: int) -> Declaration:
    """R-LIST-9: check the declared price against its category's cap and send it for review.

    A price above the cap is refused with the cap, where it came from and the figures; the
    declaration stays as it was.
    """
    require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    today = local_today()
    with transaction.atomic(), audit_reason(_("Declaration submitted")):
        declaration = _lock_declaration(actor, declaration_id)
        _check_not_sanctioned(declaration, on=today, submitting=True)
        limits = check_declared_price(declaration.product, declaration.category, declaration.price, on=today)
        _transition_declaration(declaration, DeclarationStatus.SUBMITTED)
        tightest = limits.tightest
        declaration.cap = tightest.value if tightest else None
        declaration.cap_strict = bool(tightest and tightest.strict)
        declaration.cap_rule = limits.rule
        declaration.cap_source = tightest.source if tightest else ""
        declaration.cap_figures = {"limits": [limit.as_dict() for limit in limits.limits], "checked_on": str(today)}
        declaration.flagged = bool(limits.flag)
        declaration.flag_reason = limits.flag
        declaration.submitted_by, declaration.submitted_at = actor, timezone.now()
        declaration.save()
    return declaration


def _check_reviewer(actor: User, declaration: Declaration) -> None:
    """R-LIST-9: a reviewer never reviews their own organisation's work, nor their own submission."""
    if actor.organisation_id == declaration.manufacturer_id or actor.pk in (
        declaration.created_by_id,
        declaration.submitted_by_id,
    ):
        raise PermissionDenied(
            _("Nobody reviews a declaration of their own organisation or one they made (R-LIST-9)."),
            code="own_declaration",
            rule="R-LIST-9",
        )


def declaration_return(*, actor: User, declaration_id: int, reason: str) -> Declaration:
    """Send a submitted declaration back to the manufacturer for correction, saying why."""
    reason = required_reason(reason)
    require_reviewer(actor)
    with transaction.atomic(), audit_reason(reason):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        _check_reviewer(actor, declaration)
        _transition_declaration(declaration, DeclarationStatus.RETURNED)
        declaration.reviewed_by, declaration.reviewed_at, declaration.review_reason = actor, timezone.now(), reason
        declaration.save()
    return declaration


def declaration_reject(*, actor: User, declaration_id: int, reason: str) -> Declaration:
    reason = required_reason(reason)
    require_reviewer(actor)
    with transaction.atomic(), audit_reason(reason):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        _check_reviewer(actor, declaration)
        _transition_declaration(declaration, DeclarationStatus.REJECTED)
        declaration.reviewed_by, declaration.reviewed_at, declaration.review_reason = actor, timezone.now(), reason
        declaration.save()
    return declaration


def declaration_approve(*, actor: User, declaration_id: int, reason: str = "") -> Listing:
    """R-LIST-9: confirm a declaration; the product is listed (or its listing changes) at the approved price.

    The cap is checked again: a lower national price may have taken effect since submission. A
    newly registered drug (R-LIST-6) is listed at the price its expert panel agreed. An approval
    that brings the listing to its national lowest closes its price-linkage notices and lifts a
    linkage suspension (R-LIST-10).
    """
    require_reviewer(actor)
    today = local_today()
    with transaction.atomic(), audit_reason(reason or _("Declaration approved")):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        _check_reviewer(actor, declaration)
        _transition_declaration(declaration, DeclarationStatus.APPROVED)
        _check_not_sanctioned(declaration, on=today)
        price = declaration.price
        if declaration.category == ListingCategory.NEWLY_REGISTERED:
            panel = ExpertPanel.objects.filter(declaration=declaration).first()
            if panel is None or panel.agreed_price is None:
                raise Conflict(
                    _(
                        "A newly registered drug is listed at the price its expert panel agrees (R-LIST-6): "
                        "draw a panel and record the agreement first."
                    ),
                    code="no_agreed_price",
                    rule="R-LIST-6",
                )
            price = panel.agreed_price
        else:
            check_declared_price(declaration.product, declaration.category, price, on=today)
        declaration.reviewed_by, declaration.reviewed_at, declaration.review_reason = actor, timezone.now(), reason
        declaration.save()
        # The platform's lock order: declaration, then price-linkage notices, then the listing — the
        # order the nightly linkage takes them in (notices it updates or inserts, then listings).
        list(
            PriceLinkageNotice.objects.select_for_update(of=("self",))
            .filter(listing__product=declaration.product, status__in=ACTIVE_NOTICE_STATUSES)
            .order_by("pk")
        )
        listing = Listing.objects.select_for_update().filter(product=declaration.product).first()
        why = reason or _("Declaration approved")
        if listing is None:
            listing = Listing.objects.create(
                product=declaration.product,
                manufacturer=declaration.manufacturer,
                category=declaration.category,
                price=price,
                declaration=declaration,
                listed_at=timezone.now(),
                price_since=today,
            )
            _record_event(listing, "", ListingStatus.LISTED, None, price, actor, why)
        else:
            if listing.status in (ListingStatus.INVALID, ListingStatus.WITHDRAWN, ListingStatus.CLOSED):
                raise Conflict(
                    _("The listing of this product is “%(status)s”: it cannot take a new price.")
                    % {"status": listing.get_status_display()},
                    code="listing_not_active",
                )
            before = listing.price
            listing.price, listing.category, listing.declaration, listing.price_since = (
                price,
                declaration.category,
                declaration,
                today,
            )
            listing.save(update_fields=["price", "category", "declaration", "price_since", "updated_at"])
            _record_event(listing, listing.status, listing.status, before, price, actor, why)
        _close_complied_notices(listing, declaration, actor)
    return listing


def _close_complied_notices(listing: Listing, declaration: Declaration, actor: User) -> None:
    """R-LIST-10: a listing at or below its national lowest has complied; a linkage suspension ends."""
    lowest = national_lowest(listing.product.code)
    if lowest is not None and listing.price > lowest.price:
        return
    now = timezone.now()
    PriceLinkageNotice.objects.filter(listing=listing, status__in=ACTIVE_NOTICE_STATUSES).update(
        status=NoticeStatus.COMPLIED, closed_at=now, closed_by=declaration
    )
    if listing.status == ListingStatus.SUSPENDED and listing.suspension_cause == SuspensionCause.PRICE_LINKAGE:
        _transition_listing(
            listing,
            ListingStatus.LISTED,
            actor=actor,
            reason=_("Compliant price approved: the price-linkage suspension ends (R-LIST-10)."),
        )


def declaration_document_add(*, actor: User, declaration_id: int, title: str, file) -> DeclarationDocument:
    """A supporting document of a declaration in progress: a PDF or an image by its content, as every
    document the platform keeps and shows to others (``check_document``); titled by its file name when
    no title is given."""
    require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    check_document(file, field="documents")
    with transaction.atomic(), audit_reason(_("Supporting document added")):
        declaration = _lock_declaration(actor, declaration_id)
        if declaration.status not in OPEN_DECLARATION_STATUSES:
            raise Conflict(_("Documents are added while the declaration is in progress."), code="not_editable")
        return DeclarationDocument.objects.create(
            declaration=declaration, title=(title.strip() or file.name)[:200], file=file, uploaded_by=actor
        )
