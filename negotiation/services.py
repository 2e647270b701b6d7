"""Hospital negotiation (R-NEG-1 … R-NEG-5): requests, counter-offers, acceptance into agreements.

Every state change runs in one transaction under the audit context; the thread row is locked
while it changes, so two answers to one offer cannot both land.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.choices import ListingStatus
from listings.models import Listing
from negotiation import rules
from negotiation.choices import AgreementStatus, Party, ThreadStatus
from negotiation.models import Agreement, Negotiation, Offer
from procurement.catalogue.models import Product
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied, Problem
from procurement.core.money import AMOUNT_PLACES, check_price
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.grades import check_may_trade
from procurement.credit.selectors import bar_on, delisting_on
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import HospitalGroup, User


def can_negotiate_for_hospital(user: User) -> bool:
    """A hospital's buyer (or administrator) negotiates for it."""
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.HOSPITAL_BUYER, Role.ORG_ADMIN)


def can_answer_for_manufacturer(user: User) -> bool:
    return user.kind == OrganisationKind.MANUFACTURER and user.has_role(Role.MANUFACTURER_CLERK, Role.ORG_ADMIN)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


def _price(value, field: str = "price") -> Decimal:
    """An offered price per pack, to the fen, as typed (never rounded silently)."""
    if value is None or value == "":
        raise DomainError(_("Give the price."), code="required", field=field)
    return check_price(value, field=field, places=AMOUNT_PLACES)


def _check_within_listing(price: Decimal, listing_price: Decimal, field: str = "price") -> None:
    """R-NEG-2: an agreed price is at most the listing price."""
    if price > listing_price:
        raise DomainError(
            _("The price may not exceed the listing price of %(listing)s yuan (R-NEG-2).") % {"listing": listing_price},
            code="above_listing",
            field=field,
            rule="R-NEG-2",
            params={"listing_price": str(listing_price)},
        )


def negotiable_listing(product: Product, on: date) -> Listing:
    """The listing a negotiation is about, or the reason the product may not be negotiated (R-NEG-1)."""
    _check_not_sanctioned(product, on)
    found = rules.exclusion(product, on)
    if found is not None:
        raise DomainError(found.message % {"product": product}, code=found.code, field="product", rule="R-NEG-1")
    listing = Listing.objects.filter(product=product).first()
    if listing is None or listing.status != ListingStatus.LISTED:
        raise DomainError(
            _("“%(product)s” is not listed for purchase: there is no price to negotiate from.") % {"product": product},
            code="not_listed",
            field="product",
            rule="R-NEG-1",
        )
    return listing


def _check_not_sanctioned(product: Product, on: date) -> None:
    """R-LIST-14: nothing of a company on the bad-record list is sold, so nothing is negotiated;
    R-SUP-3: nor is a delisted product, nor anything of a company whose credit grade suspends it."""
    record = bar_on(product.manufacturer_id, on)
    if record is not None:
        raise DomainError(
            _(
                "The manufacturer of “%(product)s” is on the bad-record list until %(until)s: nothing of it may be "
                "negotiated or bought (R-LIST-14)."
            )
            % {"product": product, "until": record.ends_on.isoformat()},
            code="company_barred",
            field="product",
            rule="R-LIST-14",
        )
    if delisting_on(product.pk, on) is not None:
        raise DomainError(
            _("“%(product)s” is delisted as a credit sanction (R-SUP-3).") % {"product": product},
            code="product_delisted",
            field="product",
            rule="R-SUP-3",
        )
    # R-SUP-3: a manufacturer whose credit grade suspends its listing sells, so negotiates, nothing.
    check_may_trade(product.manufacturer_id, on)


@dataclass(frozen=True)
class Request:
    product: Product
    price: Decimal | str
    volume: int
    valid_months: int = 12
    note: str = ""
    group: HospitalGroup | None = None


def negotiation_request(*, actor: User, request: Request) -> Negotiation:
    """R-NEG-4: a hospital (or a group's lead, for the whole group) asks the manufacturer for a price."""
    _require(can_negotiate_for_hospital(actor), _("Only a hospital's buyer asks for a negotiated price."))
    hospital = actor.organisation
    today = timezone.localdate()
    listing = negotiable_listing(request.product, today)
    price = _price(request.price)
    _check_within_listing(price, listing.price)
    if price == listing.price:
        raise DomainError(
            _("Ask for a price below the listing price; at the listing price there is nothing to negotiate."),
            code="not_below_listing",
            field="price",
            rule="R-NEG-2",
        )
    if not isinstance(request.volume, int) or request.volume <= 0:
        raise DomainError(_("The volume is a whole number of packs above zero."), code="invalid", field="volume")
    longest = policy("AGREEMENT_MAX_MONTHS")
    if not 1 <= request.valid_months <= longest:
        raise DomainError(
            _("An agreement is valid for 1 to %(n)d months.") % {"n": longest},
            code="invalid",
            field="valid_months",
        )
    group = request.group
    if group is not None and (group.lead_id != hospital.pk or not group.is_active):
        raise PermissionDenied(
            _("Only the lead hospital of an active group negotiates for it (R-NEG-3)."), code="forbidden"
        )
    with transaction.atomic(), audit_reason(request.note or _("Negotiation requested")):
        try:
            with transaction.atomic():
                negotiation = Negotiation.objects.create(
                    hospital=hospital,
                    group=group,
                    product=request.product,
                    manufacturer=listing.manufacturer,
                    listing_price=listing.price,
                    volume=request.volume,
                    valid_months=request.valid_months,
                    price=price,
                    turn=Party.MANUFACTURER,
                    requested_by=actor,
                )
        except IntegrityError:
            raise Conflict(
                _("A negotiation of this product is already open for your hospital."),
                code="already_open",
                field="product",
            ) from None
        Offer.objects.create(
            negotiation=negotiation, party=Party.HOSPITAL, price=price, note=request.note, made_by=actor
        )
    return negotiation


def _party_of(actor: User, negotiation: Negotiation) -> str:
    if actor.organisation_id == negotiation.manufacturer_id and can_answer_for_manufacturer(actor):
        return Party.MANUFACTURER
    if actor.organisation_id == negotiation.hospital_id and can_negotiate_for_hospital(actor):
        return Party.HOSPITAL
    raise PermissionDenied(
        _("Only the hospital that asked (for a group, its lead) and the manufacturer take part."), code="forbidden"
    )


def _open_for_turn(actor: User, negotiation_id: int) -> tuple[Negotiation, str]:
    negotiation = visible_to(actor, Negotiation).select_for_update().get(pk=negotiation_id)
    party = _party_of(actor, negotiation)
    if not negotiation.is_open:
        raise Conflict(
            _("This negotiation is closed (%(status)s).") % {"status": negotiation.get_status_display()}, code="closed"
        )
    if negotiation.turn != party:
        raise Conflict(_("It is the other party's turn to answer."), code="not_your_turn")
    return negotiation, party


def offer_counter(*, actor: User, negotiation_id: int, price, note: str = "") -> Negotiation:
    """R-NEG-4: answer the price on the table with another, at most NEGOTIATION_MAX_ROUNDS times a thread."""
    with transaction.atomic(), audit_reason(note or _("Counter-offer")):
        negotiation, party = _open_for_turn(actor, negotiation_id)
        limit = policy("NEGOTIATION_MAX_ROUNDS")
        if negotiation.counter_rounds >= limit:
            raise Conflict(
                _(
                    "The %(n)d counter-offers of a negotiation are used: accept the price on the table or "
                    "decline (R-NEG-4)."
                )
                % {"n": limit},
                code="round_limit",
                rule="R-NEG-4",
            )
        price = _price(price)
        _check_within_listing(price, negotiation.listing_price)
        if price == negotiation.price:
            raise DomainError(
                _("A counter-offer names another price; to take this one, accept it."), code="same_price", field="price"
            )
        negotiation.price, negotiation.counter_rounds = price, negotiation.counter_rounds + 1
        negotiation.turn = Party.HOSPITAL if party == Party.MANUFACTURER else Party.MANUFACTURER
        negotiation.save(update_fields=["price", "counter_rounds", "turn"])
        Offer.objects.create(negotiation=negotiation, party=party, price=price, note=note, made_by=actor)
    return negotiation


def negotiation_decline(*, actor: User, negotiation_id: int, reason: str) -> Negotiation:
    """Either party ends the negotiation without agreement, saying why."""
    if not reason or not reason.strip():
        raise DomainError(_("Give the reason: the other party sees it."), code="required", field="reason")
    with transaction.atomic(), audit_reason(reason):
        negotiation, _party = _open_for_turn(actor, negotiation_id)
        negotiation.status, negotiation.closed_at = ThreadStatus.DECLINED, timezone.now()
        negotiation.close_reason = reason.strip()
        negotiation.save(update_fields=["status", "closed_at", "close_reason"])
    return negotiation


def negotiation_accept(*, actor: User, negotiation_id: int, note: str = "") -> list[Agreement]:
    """R-NEG-5 / R-NEG-3: the party to answer takes the price on the table; it becomes an agreement for
    the hospital, or one for every member of the group, superseding any earlier one for the product."""
    with transaction.atomic(), audit_reason(note or _("Negotiated price accepted")):
        negotiation, _party = _open_for_turn(actor, negotiation_id)
        today = timezone.localdate()
        listing = negotiable_listing(negotiation.product, today)  # still listed, still negotiable
        _check_within_listing(negotiation.price, listing.price)
        if negotiation.group_id:
            hospitals = list(negotiation.group.members.filter(is_active=True).order_by("pk"))
        else:
            hospitals = [negotiation.hospital]
        Agreement.objects.filter(
            hospital__in=hospitals, product=negotiation.product, status=AgreementStatus.ACTIVE
        ).update(status=AgreementStatus.SUPERSEDED)
        valid_until = today + relativedelta(months=negotiation.valid_months) - relativedelta(days=1)
        unit_price = negotiation.product.unit_price(negotiation.price)
        agreements = Agreement.objects.bulk_create(
            [
                Agreement(
                    negotiation=negotiation,
                    hospital=hospital,
                    group=negotiation.group,
                    product=negotiation.product,
                    manufacturer=negotiation.manufacturer,
                    price=negotiation.price,
                    unit_price=unit_price,
                    listing_price=listing.price,
                    volume=negotiation.volume,
                    valid_from=today,
                    valid_until=valid_until,
                )
                for hospital in hospitals
            ]
        )
        negotiation.status, negotiation.closed_at = ThreadStatus.AGREED, timezone.now()
        negotiation.save(update_fields=["status", "closed_at"])
    return agreements


# -- many answers at once (Excel or the bulk API) ------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    negotiation_id: int
    action: str  # "accept" | "counter" | "decline"
    price: str = ""
    note: str = ""


ACTIONS = ("accept", "counter", "decline")


def answer_many(*, actor: User, answers: list[Answer], where=lambda index: f"answers[{index}]") -> int:
    """R-NEG-4: a manufacturer answers many requests at once; all or nothing, every problem named.

    ``where(index)`` names an answer's place in the problems (an API index, an Excel row).
    """
    _require(can_answer_for_manufacturer(actor), _("Only the manufacturer's clerk answers negotiation requests."))
    if not answers:
        raise DomainError(_("There is nothing to answer."), code="required", field="answers")
    problems: list[Problem] = []
    seen = set()
    for index, answer in enumerate(answers):
        if answer.action not in ACTIONS:
            problems.append(
                Problem("invalid", _("The answer is one of: accept, counter, decline."), field=f"{where(index)}.action")
            )
        if answer.negotiation_id in seen:
            problems.append(
                Problem("duplicate", _("This negotiation is answered twice."), field=f"{where(index)}.negotiation")
            )
        seen.add(answer.negotiation_id)
    if problems:
        raise DomainError(problems=problems)
    operations = {
        "accept": lambda answer: negotiation_accept(
            actor=actor, negotiation_id=answer.negotiation_id, note=answer.note
        ),
        "counter": lambda answer: offer_counter(
            actor=actor, negotiation_id=answer.negotiation_id, price=answer.price, note=answer.note
        ),
        "decline": lambda answer: negotiation_decline(
            actor=actor, negotiation_id=answer.negotiation_id, reason=answer.note
        ),
    }
    with transaction.atomic():
        for index, answer in enumerate(answers):
            try:
                with transaction.atomic():
                    operations[answer.action](answer)
            except Negotiation.DoesNotExist:
                problems.append(
                    Problem("not_found", _("No such negotiation of yours."), field=f"{where(index)}.negotiation")
                )
            except DomainError as error:  # Conflict and PermissionDenied are DomainErrors
                for problem in error.problems:
                    field = problem.field if problem.field not in ("", None) else "negotiation"
                    problems.append(
                        Problem(
                            problem.code,
                            problem.message,
                            field=f"{where(index)}.{field}",
                            rule=problem.rule,
                            params=problem.params,
                        )
                    )
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise DomainError(problems=problems)
    return len(answers)
