"""Writes of the sunshine-listing channel (DOMAIN.md §3).

Every function here is one transition: it locks what it changes (declaration before listing before
notice, the platform's lock order), checks that the transition is allowed and that the actor may
make it, changes it, records who / when / why (the audit trail and, for listings, a ListingTransition),
and leaves side effects to ``on_commit``. A refusal raises a ``DomainError`` and changes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import (
    ACTIVE_NOTICE_STATUSES,
    DECLARATION_TRANSITIONS,
    LISTING_TRANSITIONS,
    OPEN_DECLARATION_STATUSES,
    AdjustmentRoundStatus,
    DeclarationStatus,
    ListingCategory,
    ListingStatus,
    NegotiationParty,
    NoticeStatus,
    ProposalStatus,
    RequestStatus,
    SuspensionCause,
)
from listings.models import (
    AdjustmentProposal,
    AdjustmentRound,
    Declaration,
    DeclarationDocument,
    ExpertPanel,
    Listing,
    ListingTransition,
    NegotiationRound,
    PriceLinkageNotice,
    WithdrawalRequest,
)
from listings.rules import check_declared_price
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import national_lowest, national_lowest_price_sql
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.selectors import bar_on, delisting_on
from procurement.organisations.choices import ExpertSpeciality, OrganisationKind, Role
from procurement.organisations.models import Expert, User

# -- who may do what --------------------------------------------------------------------------


def can_declare(user: User) -> bool:
    """A manufacturer's clerk or administrator declares for the manufacturer's own products."""
    return user.kind == OrganisationKind.MANUFACTURER and user.has_role(Role.MANUFACTURER_CLERK, Role.ORG_ADMIN)


def can_review(user: User) -> bool:
    """R-LIST-9: the provincial bureau confirms declarations (and withdrawals, panels, rounds)."""
    return user.is_superuser or (user.is_provincial_bureau and user.has_role(Role.BUREAU_REVIEWER, Role.ORG_ADMIN))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


def _today() -> date:
    return timezone.localdate()


def _check_not_sanctioned(declaration: Declaration, *, on: date) -> None:
    """R-LIST-14: a company on the bad-record list lists nothing for two years; R-SUP-3: a delisted
    product is not listed again while its delisting runs."""
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


def _validate_declaration(*, product: Product, category: str, price: Decimal) -> None:
    if category not in ListingCategory.values:
        raise DomainError(_("Choose one of the eight listing categories."), code="invalid_choice", field="category")
    if price is None or price <= 0:
        raise DomainError(_("A price must be greater than zero."), code="invalid", field="price")


def declaration_create(
    *,
    actor: User,
    product: Product,
    category: str,
    price: Decimal,
    note: str = "",
    notice: PriceLinkageNotice | None = None,
    submit: bool = False,
) -> Declaration:
    """Start a declaration for one of the actor's products; ``submit`` sends it for review at once."""
    _require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    if product.manufacturer_id != actor.organisation_id:
        raise PermissionDenied(
            _("A manufacturer declares prices for its own products only."), code="not_own_product", field="product"
        )
    _validate_declaration(product=product, category=category, price=price)
    if notice is not None and notice.listing.product_id != product.pk:
        raise DomainError(_("The notice is about another product."), code="invalid", field="notice")
    with transaction.atomic(), audit_reason(_("Price declared")):
        if Declaration.objects.filter(product=product, status__in=OPEN_DECLARATION_STATUSES).exists():
            raise Conflict(
                _("This product already has a declaration in progress: finish or correct that one."),
                code="declaration_in_progress",
                field="product",
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
        if submit:
            declaration = declaration_submit(actor=actor, declaration_id=declaration.pk)
    return declaration


def _active_notice(product: Product) -> PriceLinkageNotice | None:
    return PriceLinkageNotice.objects.filter(listing__product=product, status__in=ACTIVE_NOTICE_STATUSES).first()


def declaration_update(*, actor: User, declaration_id: int, category: str, price: Decimal, note: str) -> Declaration:
    """Correct a draft or a declaration returned for correction."""
    _require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    with transaction.atomic(), audit_reason(_("Declaration corrected")):
        declaration = _lock_declaration(actor, declaration_id)
        if declaration.status not in (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED):
            raise Conflict(_("Only a draft or a returned declaration can be changed."), code="not_editable")
        _validate_declaration(product=declaration.product, category=category, price=price)
        declaration.category, declaration.price, declaration.note = category, price, note
        declaration.save(update_fields=["category", "price", "note"])
    return declaration


def declaration_submit(*, actor: User, declaration_id: int) -> Declaration:
    """R-LIST-9: check the declared price against its category's cap and send it for review.

    A price above the cap is refused with the cap, where it came from and the figures; the
    declaration stays as it was.
    """
    _require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    today = _today()
    with transaction.atomic(), audit_reason(_("Declaration submitted")):
        declaration = _lock_declaration(actor, declaration_id)
        _check_not_sanctioned(declaration, on=today)
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


def _require_reviewer(actor: User) -> None:
    _require(can_review(actor), _("Only a reviewer of the provincial bureau may review declarations."))


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


def _require_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise DomainError(
            _("Give the reason: the manufacturer sees it."), code="required", field="reason", rule="R-LIST-9"
        )
    return reason.strip()


def declaration_return(*, actor: User, declaration_id: int, reason: str) -> Declaration:
    """Send a submitted declaration back to the manufacturer for correction, saying why."""
    reason = _require_reason(reason)
    _require_reviewer(actor)
    with transaction.atomic(), audit_reason(reason):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        _check_reviewer(actor, declaration)
        _transition_declaration(declaration, DeclarationStatus.RETURNED)
        declaration.reviewed_by, declaration.reviewed_at, declaration.review_reason = actor, timezone.now(), reason
        declaration.save()
    return declaration


def declaration_reject(*, actor: User, declaration_id: int, reason: str) -> Declaration:
    reason = _require_reason(reason)
    _require_reviewer(actor)
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
    _require_reviewer(actor)
    today = _today()
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
    _require(can_declare(actor), _("Only a manufacturer's clerk may declare prices."))
    with transaction.atomic(), audit_reason(_("Supporting document added")):
        declaration = _lock_declaration(actor, declaration_id)
        if declaration.status not in OPEN_DECLARATION_STATUSES:
            raise Conflict(_("Documents are added while the declaration is in progress."), code="not_editable")
        return DeclarationDocument.objects.create(
            declaration=declaration, title=title.strip() or file.name, file=file, uploaded_by=actor
        )


# -- listings ---------------------------------------------------------------------------------


def _record_event(listing, from_status, to_status, price_before, price_after, actor, reason, actor_label=""):
    ListingTransition.objects.create(
        listing=listing,
        from_status=from_status,
        to_status=to_status,
        price_before=price_before,
        price_after=price_after,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
    )


def _transition_listing(
    listing: Listing, to_status: str, *, actor: User | None, reason: str, cause: str = "", actor_label: str = ""
) -> Listing:
    if to_status not in LISTING_TRANSITIONS[listing.status]:
        raise Conflict(
            _("A listing that is “%(status)s” cannot become “%(to)s”.")
            % {"status": listing.get_status_display(), "to": ListingStatus(to_status).label},
            code="invalid_transition",
            field="status",
        )
    before = listing.status
    listing.status = to_status
    listing.suspension_cause = cause if to_status == ListingStatus.SUSPENDED else ""
    listing.save(update_fields=["status", "suspension_cause", "updated_at"])
    _record_event(listing, before, to_status, listing.price, listing.price, actor, reason, actor_label)
    return listing


def _lock_listing(actor: User, listing_id: int, *, for_write=True) -> Listing:
    return (
        visible_to(actor, Listing, for_write=for_write).select_for_update().select_related("product").get(pk=listing_id)
    )


def listing_suspend(*, actor: User, listing_id: int, reason: str) -> Listing:
    """The bureau suspends a listing (not orderable) until it reinstates it."""
    _require(can_review(actor), _("Only the provincial bureau may suspend a listing."))
    reason = _require_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        return _transition_listing(
            listing, ListingStatus.SUSPENDED, actor=actor, reason=reason, cause=SuspensionCause.BUREAU
        )


def listing_reinstate(*, actor: User, listing_id: int, reason: str) -> Listing:
    """Lift a bureau suspension. A linkage suspension ends with a compliant price; a bad-record one with the bar."""
    _require(can_review(actor), _("Only the provincial bureau may reinstate a listing."))
    reason = _require_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        if listing.status == ListingStatus.SUSPENDED and listing.suspension_cause != SuspensionCause.BUREAU:
            raise Conflict(
                _("This suspension (%(cause)s) ends by itself when its cause is gone.")
                % {"cause": listing.get_suspension_cause_display()},
                code="not_bureau_suspension",
            )
        return _transition_listing(listing, ListingStatus.LISTED, actor=actor, reason=reason)


def listing_invalidate(*, actor: User, listing_id: int, reason: str) -> Listing:
    """R-LIST-12: a listing whose purchasing was closed is marked invalid by the bureau."""
    _require(can_review(actor), _("Only the provincial bureau may mark a listing invalid."))
    reason = _require_reason(reason)
    with transaction.atomic(), audit_reason(reason):
        listing = _lock_listing(actor, listing_id)
        return _transition_listing(listing, ListingStatus.INVALID, actor=actor, reason=reason)


# -- withdrawal (R-LIST-13) ---------------------------------------------------------------------


def withdrawal_request_submit(*, actor: User, listing_id: int, reason: str, explanation: str) -> WithdrawalRequest:
    """R-LIST-13: a manufacturer asks to withdraw a product it stopped making or selling, or whose registration changed."""
    _require(can_declare(actor), _("Only the manufacturer may ask to withdraw its product."))
    explanation = _require_reason(explanation)
    with transaction.atomic(), audit_reason(explanation):
        listing = _lock_listing(actor, listing_id)
        if listing.status != ListingStatus.LISTED:
            raise Conflict(_("Only a listed product can be withdrawn."), code="not_listed")
        if WithdrawalRequest.objects.filter(listing=listing, status=RequestStatus.SUBMITTED).exists():
            raise Conflict(_("A withdrawal request for this product is already waiting."), code="request_pending")
        return WithdrawalRequest.objects.create(
            listing=listing,
            manufacturer=listing.manufacturer,
            reason=reason,
            explanation=explanation,
            submitted_by=actor,
        )


def withdrawal_request_decide(*, actor: User, request_id: int, approve: bool, reason: str = "") -> WithdrawalRequest:
    """The bureau approves (the listing is withdrawn) or rejects (with a reason) a withdrawal request."""
    _require(can_review(actor), _("Only the provincial bureau decides withdrawal requests."))
    if not approve:
        reason = _require_reason(reason)
    with transaction.atomic(), audit_reason(reason or _("Withdrawal approved")):
        request = WithdrawalRequest.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.SUBMITTED:
            raise Conflict(_("This request has been decided already."), code="already_decided")
        listing = Listing.objects.select_for_update().get(pk=request.listing_id)
        if approve:
            _transition_listing(
                listing, ListingStatus.WITHDRAWN, actor=actor, reason=reason or _("Withdrawal approved (R-LIST-13)")
            )
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.reviewed_by, request.reviewed_at, request.review_reason = actor, timezone.now(), reason
        request.save()
    return request


# -- new drugs: expert panel and negotiation (R-LIST-6) -------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    panel: ExpertPanel
    excluded: list[dict]


def expert_panel_draw(*, actor: User, declaration_id: int, sizes: dict[str, int] | None = None) -> DrawResult:
    """R-LIST-6: draw experts at random, by speciality, excluding everyone tied to the manufacturer."""
    _require(can_review(actor), _("Only the provincial bureau draws expert panels."))
    sizes = sizes or policy("EXPERT_PANEL_SIZES")
    with transaction.atomic(), audit_reason(_("Expert panel drawn")):
        declaration = _lock_declaration(actor, declaration_id, for_write=False)
        if declaration.category != ListingCategory.NEWLY_REGISTERED:
            raise DomainError(
                _("Only a newly registered drug is priced by an expert panel (R-LIST-6)."),
                code="not_new_drug",
                rule="R-LIST-6",
            )
        if declaration.status != DeclarationStatus.SUBMITTED:
            raise Conflict(_("Draw a panel for a submitted declaration."), code="not_submitted")
        if ExpertPanel.objects.filter(declaration=declaration).exists():
            raise Conflict(_("This declaration already has its panel."), code="panel_exists")
        manufacturer = declaration.manufacturer
        pool = list(Expert.objects.filter(is_active=True).prefetch_related("ties"))
        excluded, eligible = [], []
        for expert in pool:
            tied = any(tie.pk == manufacturer.pk for tie in expert.ties.all()) or expert.employer == manufacturer.name
            (excluded if tied else eligible).append(expert)
        chooser = secrets.SystemRandom()
        drawn = []
        for speciality, count in sizes.items():
            candidates = [expert for expert in eligible if expert.speciality == speciality]
            if len(candidates) < count:
                raise DomainError(
                    _("Not enough %(speciality)s experts without ties to the manufacturer: %(have)d of %(need)d.")
                    % {"speciality": ExpertSpeciality(speciality).label, "have": len(candidates), "need": count},
                    code="pool_too_small",
                    rule="R-LIST-6",
                )
            drawn += chooser.sample(candidates, count)
        excluded_record = [
            {"id": e.pk, "name": e.name, "reason": _("tied to %(company)s") % {"company": manufacturer.name}}
            for e in excluded
        ]
        panel = ExpertPanel.objects.create(declaration=declaration, drawn_by=actor, excluded=excluded_record)
        panel.experts.set(drawn)
    return DrawResult(panel, excluded_record)


def negotiation_round_record(
    *, actor: User, panel_id: int, party: str, price: Decimal, note: str = ""
) -> NegotiationRound:
    """Record one offer of the negotiation between the panel and the manufacturer."""
    _require(can_review(actor), _("Only the provincial bureau records the negotiation."))
    if party not in NegotiationParty.values:
        raise DomainError(_("Say who made the offer."), code="invalid_choice", field="party")
    if price is None or price <= 0:
        raise DomainError(_("A price must be greater than zero."), code="invalid", field="price")
    with transaction.atomic(), audit_reason(_("Negotiation offer recorded")):
        panel = ExpertPanel.objects.select_for_update().get(pk=panel_id)
        if panel.agreed_price is not None:
            raise Conflict(_("The negotiation has ended with an agreement."), code="agreed")
        return NegotiationRound.objects.create(panel=panel, party=party, price=price, note=note, recorded_by=actor)


def negotiation_agree(*, actor: User, panel_id: int, price: Decimal, minutes: str) -> ExpertPanel:
    """The panel and the manufacturer agree a price; approving the declaration lists it at that price."""
    _require(can_review(actor), _("Only the provincial bureau records the negotiation."))
    if price is None or price <= 0:
        raise DomainError(_("A price must be greater than zero."), code="invalid", field="price")
    with transaction.atomic(), audit_reason(_("Negotiated price agreed")):
        panel = ExpertPanel.objects.select_for_update().get(pk=panel_id)
        if panel.agreed_price is not None:
            raise Conflict(_("The negotiation has ended with an agreement."), code="agreed")
        panel.agreed_price, panel.agreed_at, panel.minutes = price, timezone.now(), minutes
        panel.save()
    return panel


# -- annual adjustment (R-LIST-11) --------------------------------------------------------------


def adjustment_round_open(*, actor: User, year: int, answer_by: date, effective_date: date) -> AdjustmentRound:
    """R-LIST-11: open the year's round; every active listing gets a proposed price, set-based.

    Proposed = the lowest of the current price, the national lowest and the lowest price the
    product was bought at in the province in the last 12 months (accepted order lines).
    """
    from procurement.orders.selectors import lowest_bought_prices_sql

    _require(can_review(actor), _("Only the provincial bureau opens an adjustment round."))
    if effective_date <= answer_by:
        raise DomainError(
            _("The new prices take effect after the manufacturers' answers are due."),
            code="invalid",
            field="effective_date",
        )
    if answer_by < _today():
        raise DomainError(_("The answer date is in the past."), code="invalid", field="answer_by")
    with transaction.atomic(), audit_reason(_("Annual adjustment round opened")):
        if AdjustmentRound.objects.filter(year=year).exists():
            raise Conflict(_("The %(year)d round exists already.") % {"year": year}, code="round_exists", field="year")
        adjustment = AdjustmentRound.objects.create(
            year=year, answer_by=answer_by, effective_date=effective_date, opened_by=actor
        )
        purchases_sql, purchases_params = lowest_bought_prices_sql(since_months=12)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH purchases AS ({purchases_sql})
                INSERT INTO listings_adjustmentproposal
                    (round_id, listing_id, manufacturer_id, current_price, national_lowest, lowest_purchase_price,
                     proposed_price, status, appeal_reason, decision_reason)
                SELECT %(round)s, l.id, l.manufacturer_id, l.price, lowest.price, pu.price,
                       LEAST(l.price, lowest.price, pu.price), %(proposed)s, '', ''
                FROM listings_listing l
                JOIN catalogue_product p ON p.id = l.product_id
                CROSS JOIN LATERAL (SELECT {national_lowest_price_sql("p.code", "%(home)s")} AS price) lowest
                LEFT JOIN purchases pu ON pu.product_id = l.product_id
                WHERE l.status IN (%(listed)s, %(suspended)s)
                """,
                {
                    **purchases_params,
                    "round": adjustment.pk,
                    "home": settings.HOME_PROVINCE,
                    "proposed": ProposalStatus.PROPOSED,
                    "listed": ListingStatus.LISTED,
                    "suspended": ListingStatus.SUSPENDED,
                },
            )
    return adjustment


def adjustment_proposal_answer(
    *, actor: User, proposal_id: int, accept: bool, appeal_price: Decimal | None = None, reason: str = ""
) -> AdjustmentProposal:
    """The manufacturer accepts the proposed price or appeals, asking for another with its reason."""
    _require(can_declare(actor), _("Only the manufacturer answers its proposals."))
    with transaction.atomic(), audit_reason(reason or _("Proposed price accepted")):
        proposal = (
            visible_to(actor, AdjustmentProposal, for_write=True)
            .select_for_update()
            .select_related("round")
            .get(pk=proposal_id)
        )
        if proposal.round.status != AdjustmentRoundStatus.OPEN or _today() > proposal.round.answer_by:
            raise Conflict(
                _("Answers to this round were due by %(date)s.") % {"date": proposal.round.answer_by},
                code="round_closed",
            )
        if accept:
            proposal.status, proposal.appeal_price, proposal.appeal_reason = ProposalStatus.ACCEPTED, None, ""
        else:
            if appeal_price is None or appeal_price <= 0:
                raise DomainError(_("Say which price you ask for."), code="required", field="appeal_price")
            if appeal_price > proposal.current_price:
                raise DomainError(
                    _("An appeal cannot ask for more than the current price ¥%(price)s.")
                    % {"price": proposal.current_price},
                    code="above_current",
                    field="appeal_price",
                    rule="R-LIST-11",
                )
            proposal.status, proposal.appeal_price = ProposalStatus.APPEALED, appeal_price
            proposal.appeal_reason = _require_reason(reason)
        proposal.answered_by, proposal.answered_at = actor, timezone.now()
        proposal.save()
    return proposal


def adjustment_round_confirm(
    *, actor: User, round_id: int, decisions: dict[int, tuple[Decimal, str]]
) -> AdjustmentRound:
    """The bureau confirms the round: every appeal decided (price, reason); the rest at the proposed price.

    A manufacturer that did not answer accepts the proposal (our choice). Prices change on the
    round's effective date (``apply_price_adjustments``).
    """
    _require(can_review(actor), _("Only the provincial bureau confirms an adjustment round."))
    with transaction.atomic(), audit_reason(_("Annual adjustment round confirmed")):
        adjustment = AdjustmentRound.objects.select_for_update().get(pk=round_id)
        if adjustment.status != AdjustmentRoundStatus.OPEN:
            raise Conflict(_("This round is confirmed already."), code="already_confirmed")
        appealed = {p.pk: p for p in adjustment.proposals.select_for_update().filter(status=ProposalStatus.APPEALED)}
        undecided = set(appealed) - set(decisions)
        if undecided:
            raise DomainError(
                _("Decide every appeal first: %(count)d are undecided.") % {"count": len(undecided)},
                code="appeals_undecided",
                params={"proposals": sorted(undecided)},
            )
        for proposal_id, (price, reason) in decisions.items():
            proposal = appealed.get(proposal_id)
            if proposal is None:
                raise DomainError(
                    _("Proposal %(id)s is not an appeal of this round.") % {"id": proposal_id},
                    code="invalid",
                    field="decisions",
                )
            if price is None or price <= 0 or price > proposal.current_price:
                raise DomainError(
                    _("A confirmed price is positive and not above the current price."),
                    code="invalid",
                    field="decisions",
                    params={"proposal": proposal_id},
                )
            proposal.final_price, proposal.decision_reason = price, _require_reason(reason)
            proposal.status = ProposalStatus.CONFIRMED
            proposal.save(update_fields=["final_price", "decision_reason", "status"])
        AdjustmentProposal.objects.filter(round=adjustment).exclude(status=ProposalStatus.CONFIRMED).update(
            final_price=models.F("proposed_price"), status=ProposalStatus.CONFIRMED
        )
        adjustment.status, adjustment.confirmed_by, adjustment.confirmed_at = (
            AdjustmentRoundStatus.CONFIRMED,
            actor,
            timezone.now(),
        )
        adjustment.save()
    return adjustment
