"""Writes of volume-based procurement (DOMAIN.md §6): ``<entity>_<verb>``, keyword-only, one transaction
each, audited; a refusal raises ``DomainError`` and changes nothing.

Lock order: round before unit before its allocations and contracts; a unit's bids by primary key.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.catalogue.pricing import parse_specification, price_ratio_convert, unit_price
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied, Problem
from procurement.core.money import check_price, format_yuan
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.grades import check_may_bid
from procurement.credit.selectors import bar_on
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import User
from procurement.workdays.services import add_working_days
from vbp import rules, sealing
from vbp.choices import ROUND_TRANSITIONS, BidOutcome, RoundKind, RoundStatus
from vbp.models import (
    Allocation,
    Bid,
    BidResult,
    CompetitionUnit,
    Contract,
    DemandReport,
    NationalResultImport,
    Round,
    Winner,
)

# -- who may do what ----------------------------------------------------------------------------------


def can_run_rounds(user: User) -> bool:
    """The provincial bureau's VBP office (reviewers, supervisors, administrators) imports national results,
    defines provincial rounds, sets bases and allocates volumes."""
    return user.is_authenticated and (
        user.is_superuser
        or (user.is_provincial_bureau and user.has_role(Role.BUREAU_REVIEWER, Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN))
    )


def can_bid(user: User) -> bool:
    """A manufacturer's tender clerk (or its administrator) bids for the manufacturer."""
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.MANUFACTURER
        and user.has_role(Role.MANUFACTURER_CLERK, Role.ORG_ADMIN)
    )


def can_report_volumes(user: User) -> bool:
    """A hospital's buyer (pharmacist) or administrator reports demand and confirms its share."""
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.HOSPITAL
        and user.has_role(Role.HOSPITAL_BUYER, Role.ORG_ADMIN)
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message, code="forbidden")


def _required(text: str, field: str = "reason") -> str:
    if not text or not str(text).strip():
        raise DomainError(_("Give the reason."), code="required", field=field)
    return str(text).strip()


def _whole_units(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**15:
        raise DomainError(_("A number of minimum units: a whole number, zero or more."), code="invalid", field=field)
    return value


def check_period(valid_from: date, valid_until: date) -> None:
    """R-VBP-4: an agreement period of one to three years."""
    if not isinstance(valid_from, date) or not isinstance(valid_until, date) or valid_until <= valid_from:
        raise DomainError(_("The period ends after it starts."), code="invalid", field="valid_until", rule="R-VBP-4")
    shortest = valid_from + relativedelta(years=1) - relativedelta(days=1)
    longest = valid_from + relativedelta(years=3) - relativedelta(days=1)
    if not shortest <= valid_until <= longest:
        raise DomainError(
            _("An agreement period lasts one to three years: from %(start)s, until %(shortest)s to %(longest)s.")
            % {"start": valid_from, "shortest": shortest, "longest": longest},
            code="period_length",
            field="valid_until",
            rule="R-VBP-4",
            params={"shortest": shortest.isoformat(), "longest": longest.isoformat()},
        )


def _transition(round_: Round, to_status: str) -> None:
    if to_status not in ROUND_TRANSITIONS[RoundStatus(round_.status)]:
        raise Conflict(
            _("A round that is “%(status)s” cannot become “%(to)s”.")
            % {"status": round_.get_status_display(), "to": RoundStatus(to_status).label},
            code="invalid_transition",
            field="status",
        )
    round_.status = to_status


def _lock_round(round_id: int) -> Round:
    return Round.objects.select_for_update().get(pk=round_id)


def _lock_unit(unit_id: int) -> CompetitionUnit:
    unit = CompetitionUnit.objects.get(pk=unit_id)
    _lock_round(unit.round_id)  # round before unit
    return CompetitionUnit.objects.select_for_update().select_related("round").get(pk=unit_id)


# -- national results (R-VBP-1) ------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalRow:
    """One winning product of a national result, as the import checked it."""

    product: Product
    price: Decimal
    supply_regions: list[str]
    valid_from: date
    valid_until: date


def national_results_import(*, actor: User, name: str, upload, original_name: str = "") -> Round:
    """R-VBP-1: import a national VBP result workbook, all or nothing.

    Every row is checked (the product by its code, its generic name and company as the file names them,
    the price, the supply provinces, the period), every problem reported with its row and column, and
    nothing is written while one remains. The winners are then listed at their winning price: the VBP
    price source quotes it to every hospital of a supplied province, and negotiation refuses them.
    """
    from vbp.excel import NATIONAL_SHEET, read_national_results

    _require(can_run_rounds(actor), _("Only the provincial bureau imports national VBP results."))
    name = _required(name, "name")
    data = upload.read(NATIONAL_SHEET.max_bytes + 1)  # a larger file is refused by the reader, unread
    rows = read_national_results(data)
    periods = {(row.valid_from, row.valid_until) for row in rows}
    valid_from, valid_until = min(periods)
    with transaction.atomic(), audit_reason(_("National VBP results imported: %(name)s") % {"name": name}):
        round_ = Round.objects.create(
            kind=RoundKind.NATIONAL,
            name=name,
            status=RoundStatus.OPENED,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
            opened_by=actor,
            opened_at=timezone.now(),
        )
        by_unit: dict[tuple[str, str], list[NationalRow]] = {}
        for row in rows:
            by_unit.setdefault((row.product.generic_name, row.product.route), []).append(row)
        for (generic_name, route), winners in by_unit.items():
            unit = CompetitionUnit.objects.create(
                round=round_, generic_name=generic_name, route=route, winners_count=len(winners)
            )
            ordered = sorted(
                winners, key=lambda row: (unit_price(row.price, row.product.pack_quantity), row.product.code)
            )
            Winner.objects.bulk_create(
                Winner(
                    unit=unit,
                    product=row.product,
                    manufacturer_id=row.product.manufacturer_id,
                    price=row.price,
                    unit_price=unit_price(row.price, row.product.pack_quantity),
                    rank=rank,
                    supply_regions=row.supply_regions,
                    supplies_home=settings.HOME_PROVINCE in row.supply_regions,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                )
                for rank, row in enumerate(ordered, start=1)
            )
        batch = NationalResultImport(
            round=round_,
            original_name=(original_name or getattr(upload, "name", "") or "national.xlsx")[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            uploaded_by=actor,
        )
        from django.core.files.base import ContentFile

        batch.file.save(batch.original_name, ContentFile(data), save=False)
        batch.save()
    return round_


# -- provincial rounds (R-VBP-7, R-VBP-8) -------------------------------------------------------------


def round_create(
    *, actor: User, name: str, bid_deadline: datetime, opening_at: datetime, valid_from: date, valid_until: date
) -> Round:
    """R-VBP-8: the bureau defines a provincial round: when bids close, when they are opened, the period."""
    _require(can_run_rounds(actor), _("Only the provincial bureau runs VBP rounds."))
    name = _required(name, "name")
    _check_times(bid_deadline, opening_at)
    check_period(valid_from, valid_until)
    with transaction.atomic(), audit_reason(_("Provincial VBP round defined")):
        return Round.objects.create(
            kind=RoundKind.PROVINCIAL,
            name=name,
            bid_deadline=bid_deadline,
            opening_at=opening_at,
            valid_from=valid_from,
            valid_until=valid_until,
            created_by=actor,
        )


def _check_times(bid_deadline: datetime, opening_at: datetime) -> None:
    for field, value in (("bid_deadline", bid_deadline), ("opening_at", opening_at)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise DomainError(_("Give a date and time."), code="invalid", field=field)
    if bid_deadline <= timezone.now():
        raise DomainError(_("The bid deadline is in the past."), code="in_past", field="bid_deadline", rule="R-VBP-8")
    if opening_at < bid_deadline:
        raise DomainError(
            _("Bids are opened at or after their deadline."), code="opens_early", field="opening_at", rule="R-VBP-9"
        )


def unit_add(
    *,
    actor: User,
    round_id: int,
    generic_name: str,
    route: str = "",
    reference_specification: str = "",
    max_unit_price,
    win_ratio: Decimal | None = None,
    win_discount: Decimal | None = None,
    winner_caps: dict | None = None,
) -> CompetitionUnit:
    """R-VBP-7, R-VBP-8: a competition unit of a round being defined — generic name and route, the
    specification unit prices are compared in, the maximum valid unit price and the winner-rule values
    (the policy values in force unless the bureau gives others)."""
    _require(can_run_rounds(actor), _("Only the provincial bureau runs VBP rounds."))
    generic_name = _required(generic_name, "generic_name")
    route = (route or "").strip()
    reference_specification = (reference_specification or "").strip()
    max_unit_price = check_price(max_unit_price, field="max_unit_price", rule="R-VBP-8")
    if reference_specification and parse_specification(reference_specification) is None:
        raise DomainError(
            _("“%(spec)s” is not a specification such as 20mg.") % {"spec": reference_specification},
            code="invalid",
            field="reference_specification",
            rule="R-VBP-7",
        )
    products = Product.objects.filter(generic_name=generic_name)
    if route:
        products = products.filter(route=route)
    if not products.exists():
        raise DomainError(
            _("No product of the catalogue has the generic name “%(name)s”%(route)s.")
            % {"name": generic_name, "route": f"（{route}）" if route else ""},
            code="unknown_generic_name",
            field="generic_name",
            rule="R-VBP-7",
        )
    ratio = policy("VBP_WIN_RATIO") if win_ratio is None else Decimal(win_ratio)
    discount = policy("VBP_WIN_DISCOUNT") if win_discount is None else Decimal(win_discount)
    caps = policy("VBP_WINNER_CAPS") if winner_caps is None else winner_caps
    with transaction.atomic(), audit_reason(_("Competition unit defined")):
        round_ = _lock_round(round_id)
        if round_.kind != RoundKind.PROVINCIAL or round_.status != RoundStatus.DRAFT:
            raise Conflict(_("Units are added to a provincial round being defined."), code="not_draft")
        if CompetitionUnit.objects.filter(round=round_, generic_name=generic_name, route=route).exists():
            raise Conflict(_("This round already has that unit."), code="duplicate_unit", field="generic_name")
        return CompetitionUnit.objects.create(
            round=round_,
            generic_name=generic_name,
            route=route,
            reference_specification=reference_specification,
            max_unit_price=max_unit_price,
            win_ratio=ratio,
            win_discount=discount,
            winner_caps=caps,
        )


def round_start_bidding(*, actor: User, round_id: int) -> Round:
    """The bureau opens a defined round for bids (its units are then fixed)."""
    _require(can_run_rounds(actor), _("Only the provincial bureau runs VBP rounds."))
    with transaction.atomic(), audit_reason(_("VBP round open for bids")):
        round_ = _lock_round(round_id)
        if round_.kind != RoundKind.PROVINCIAL:
            raise Conflict(_("National results are imported, not bid for."), code="national")
        if not round_.units.exists():
            raise Conflict(_("Define at least one competition unit first."), code="no_units")
        if round_.bid_deadline <= timezone.now():
            raise Conflict(
                _("The bid deadline has passed: define a new round."), code="deadline_passed", rule="R-VBP-8"
            )
        _transition(round_, RoundStatus.BIDDING)
        round_.save(update_fields=["status"])
    return round_


def eligibility_problem(unit: CompetitionUnit, product: Product) -> str | None:
    """R-VBP-7: why ``product`` may not compete in ``unit``, or None.

    Same generic name (and route, when the unit names one); originator, reference and evaluated generics
    compete together; once three or more companies have a consistency-evaluated generic of the name,
    products that are none of those three are not eligible; the specification must convert to the
    unit's by the price-ratio rule.
    """
    if product.generic_name != unit.generic_name or (unit.route and product.route != unit.route):
        return _("“%(product)s” is not of this unit's generic name and route (R-VBP-7).") % {"product": product}
    if not (product.is_originator or product.is_reference or product.is_consistency_evaluated):
        same = Product.objects.filter(generic_name=unit.generic_name, is_consistency_evaluated=True)
        if unit.route:
            same = same.filter(route=unit.route)
        evaluated = same.aggregate(companies=Count("manufacturer", distinct=True))["companies"]
        if evaluated >= 3:
            return _(
                "“%(product)s” has not passed the consistency evaluation and %(n)d companies have: it is not "
                "eligible (R-VBP-7)."
            ) % {"product": product, "n": evaluated}
    if unit.reference_specification:
        source, target = product.content, parse_specification(unit.reference_specification)
        if source is None or source.unit != target.unit:
            return _(
                "The specification %(spec)s cannot be converted to the unit's %(reference)s by the price-ratio rule "
                "(R-VBP-7)."
            ) % {"spec": product.specification, "reference": unit.reference_specification}
    return None


def reference_unit_price(unit: CompetitionUnit, product: Product, pack_price: Decimal) -> Decimal:
    """R-VBP-7: a pack price as a unit price at the unit's reference specification (the price-ratio rule)."""
    per_unit = unit_price(pack_price, product.pack_quantity)
    if not unit.reference_specification:
        return per_unit
    return price_ratio_convert(
        per_unit, from_content=product.content, to_content=parse_specification(unit.reference_specification)
    )


@dataclass(frozen=True)
class BidRequest:
    unit_id: int
    product_code: str
    price: object  # a pack price as typed or sent


def bid_submit(*, actor: User, unit_id: int, product_code: str, price) -> Bid:
    """R-VBP-8, R-VBP-9: a manufacturer's sealed bid — or its replacement — before the deadline.

    The price is checked (a price, one of its own eligible products) and sealed at once: it is never
    written in the clear, nor put in the audit trail, nor echoed back.
    """
    return bids_submit(actor=actor, bids=[BidRequest(unit_id, product_code, price)])[0]


def bids_submit(*, actor: User, bids: list[BidRequest], where=None) -> list[Bid]:
    """Several sealed bids at once (Excel, API): all or none, each problem naming its bid."""
    _require(can_bid(actor), _("Only a manufacturer's clerk bids in VBP rounds."))
    if not bids:
        raise DomainError(_("Give at least one bid."), code="required", field="bids")
    where = where or (lambda index: f"bids[{index}]")
    problems, checked = [], []
    now = timezone.now()
    seen = set()
    for index, request in enumerate(bids):
        place = where(index)
        unit = visible_to(actor, CompetitionUnit).select_related("round").filter(pk=request.unit_id).first()
        if unit is None or unit.round.status == RoundStatus.DRAFT:
            problems.append(Problem("not_found", _("No such competition unit."), field=f"{place}.unit"))
            continue
        if (
            unit.round.kind != RoundKind.PROVINCIAL
            or unit.round.status != RoundStatus.BIDDING
            or now >= unit.round.bid_deadline
        ):
            problems.append(
                Problem(
                    "bidding_closed",
                    _("Bids for this round closed at %(deadline)s (R-VBP-8).")
                    % {
                        "deadline": timezone.localtime(unit.round.bid_deadline).strftime("%Y-%m-%d %H:%M")
                        if unit.round.bid_deadline
                        else "—"
                    },
                    field=f"{place}.unit",
                    rule="R-VBP-8",
                )
            )
            continue
        if unit.pk in seen:
            problems.append(Problem("duplicate_bid", _("One bid per unit."), field=f"{place}.unit"))
            continue
        seen.add(unit.pk)
        product = Product.objects.filter(code=(request.product_code or "").strip()).first()
        if product is None or product.manufacturer_id != actor.organisation_id:
            problems.append(
                Problem(
                    "not_own_product",
                    _("A company bids with one of its own products: give its national drug code."),
                    field=f"{place}.product_code",
                    rule="R-VBP-7",
                )
            )
            continue
        why = eligibility_problem(unit, product)
        if why:
            problems.append(Problem("not_eligible", why, field=f"{place}.product_code", rule="R-VBP-7"))
            continue
        try:
            pack_price = check_price(request.price, field=f"{place}.price", rule="R-VBP-8")
        except DomainError as error:
            problems.extend(error.problems)
            continue
        checked.append((unit, product, pack_price))
    problems.extend(_credit_problems(actor, checked))
    if problems:
        raise DomainError(problems=problems)
    saved = []
    with transaction.atomic(), audit_reason(_("Sealed bid submitted")):
        for unit, product, pack_price in sorted(checked, key=lambda item: item[0].pk):
            locked = _lock_unit(unit.pk)
            if locked.round.status != RoundStatus.BIDDING or timezone.now() >= locked.round.bid_deadline:
                raise Conflict(_("Bids for this round are closed (R-VBP-8)."), code="bidding_closed", rule="R-VBP-8")
            sealed = sealing.seal(
                pack_price, unit_id=unit.pk, manufacturer_id=actor.organisation_id, product_id=product.pk
            )
            bid = Bid.objects.filter(unit=unit, manufacturer_id=actor.organisation_id).select_for_update().first()
            if bid is None:
                bid = Bid(unit=unit, manufacturer_id=actor.organisation_id)
            else:
                bid.replacements += 1
            bid.product, bid.sealed, bid.receipt = product, sealed, sealing.receipt(sealed)
            bid.submitted_by, bid.submitted_at = actor, timezone.now()
            bid.save()
            saved.append(bid)
    return saved


def _credit_problems(actor: User, checked: list) -> list[Problem]:
    """R-LIST-14: a company on the bad-record list bids nothing; R-SUP-3: nor one whose credit grade
    suspends its bidding, and one under a credit warning bids in no more units of a round than the limit
    (its bids already in the round counted with these)."""
    if not checked:
        return []
    today = timezone.localdate()
    company = actor.organisation_id
    record = bar_on(company, today)
    if record is not None:
        return [
            Problem(
                "company_barred",
                _("The company is on the bad-record list until %(until)s and may not bid (R-LIST-14).")
                % {"until": record.ends_on.isoformat()},
                rule="R-LIST-14",
                params={"until": record.ends_on},
            )
        ]
    by_round: dict[int, set[int]] = {}
    for unit, _product, _price in checked:
        by_round.setdefault(unit.round_id, set()).add(unit.pk)
    problems = []
    for round_id, units in sorted(by_round.items()):
        already = set(
            Bid.objects.filter(unit__round_id=round_id, manufacturer_id=company).values_list("unit_id", flat=True)
        )
        try:
            check_may_bid(company, today, units_in_round=len(already | units))
        except DomainError as error:
            problems.extend(error.problems)
    return problems


def bid_withdraw(*, actor: User, bid_id: int) -> None:
    """A company takes its bid back before the deadline."""
    _require(can_bid(actor), _("Only a manufacturer's clerk bids in VBP rounds."))
    with transaction.atomic(), audit_reason(_("Sealed bid withdrawn")):
        bid = visible_to(actor, Bid, for_write=True).get(pk=bid_id)
        unit = _lock_unit(bid.unit_id)
        if unit.round.status != RoundStatus.BIDDING or timezone.now() >= unit.round.bid_deadline:
            raise Conflict(_("Bids for this round are closed (R-VBP-8)."), code="bidding_closed", rule="R-VBP-8")
        Bid.objects.filter(pk=bid.pk).delete()


def round_open(*, actor: User | None, round_id: int, now: datetime | None = None) -> Round:
    """R-VBP-8, R-VBP-9: open a round at or after its opening time — the only place bids are unsealed.

    Each unit's bids are read (their unit prices at the reference specification), judged by the winner
    rule, and written as public ``BidResult``s; the winners become ``Winner``s at their bid price; a unit
    whose hospitals' bases are set has its volumes allocated and its contracts made at once.
    ``actor`` None: the nightly catch-up opened it (``jobs.open_due_rounds``).
    """
    if actor is not None:
        _require(can_run_rounds(actor), _("Only the provincial bureau opens VBP rounds."))
    now = now or timezone.now()
    with transaction.atomic(), audit_reason(_("VBP round opened")):
        round_ = _lock_round(round_id)
        if round_.kind != RoundKind.PROVINCIAL or round_.status != RoundStatus.BIDDING:
            raise Conflict(_("Only a round open for bids can be opened."), code="not_bidding")
        if now < round_.opening_at:
            raise Conflict(
                _("Bids are sealed until %(at)s: the round cannot be opened before (R-VBP-9).")
                % {"at": timezone.localtime(round_.opening_at).strftime("%Y-%m-%d %H:%M")},
                code="sealed",
                rule="R-VBP-9",
            )
        _transition(round_, RoundStatus.OPENED)
        round_.opened_by, round_.opened_at = actor, now
        round_.save(update_fields=["status", "opened_by", "opened_at"])
        for unit in CompetitionUnit.objects.filter(round=round_).select_for_update().order_by("pk"):
            _open_unit(round_, unit)
    return round_


def _open_unit(round_: Round, unit: CompetitionUnit) -> None:
    bids = list(Bid.objects.filter(unit=unit).select_related("product").select_for_update().order_by("pk"))
    prices, figures = {}, []
    for bid in bids:
        price = sealing.unseal(
            bid.sealed, unit_id=unit.pk, manufacturer_id=bid.manufacturer_id, product_id=bid.product_id
        )
        prices[bid.pk] = (price, reference_unit_price(unit, bid.product, price))
        figures.append(rules.BidFigures(bid.pk, prices[bid.pk][1], bid.submitted_at))
    evaluated = rules.evaluate(
        figures,
        max_unit_price=unit.max_unit_price,
        ratio=unit.win_ratio,
        discount=unit.win_discount,
        caps=unit.winner_caps or policy("VBP_WINNER_CAPS"),
    )
    lowest = min((prices[e.key][1] for e in evaluated if e.valid), default=None)
    explanations = {
        "invalid": _("Above the maximum valid unit price %(max)s."),
        "within_ratio": _("Within %(ratio)s × the lowest valid unit price %(lowest)s."),
        "below_max": _("At least %(discount)s below the maximum valid unit price %(max)s."),
        "not_eligible": _(
            "Above %(ratio)s × the lowest valid unit price %(lowest)s and less than %(discount)s below the maximum."
        ),
        "over_cap": _("Beyond the number of winners for %(valid)d valid bidders."),
    }
    figures_text = {
        "max": format_yuan(unit.max_unit_price),
        "ratio": f"{unit.win_ratio.normalize()}",
        "lowest": format_yuan(lowest),
        "discount": f"{(unit.win_discount * 100).normalize()}%",
        "valid": sum(1 for e in evaluated if e.valid),
    }
    by_bid = {bid.pk: bid for bid in bids}
    BidResult.objects.bulk_create(
        BidResult(
            unit=unit,
            bid_id=e.key,
            manufacturer_id=by_bid[e.key].manufacturer_id,
            product_id=by_bid[e.key].product_id,
            price=prices[e.key][0],
            unit_price=prices[e.key][1],
            submitted_at=by_bid[e.key].submitted_at,
            outcome=BidOutcome.WON if e.won else BidOutcome.LOST if e.valid else BidOutcome.INVALID,
            rank=e.rank,
            explanation=str(explanations[e.why]) % figures_text,
        )
        for e in evaluated
    )
    winners = sorted((e for e in evaluated if e.won), key=lambda e: e.rank)
    Winner.objects.bulk_create(
        Winner(
            unit=unit,
            product_id=by_bid[e.key].product_id,
            manufacturer_id=by_bid[e.key].manufacturer_id,
            price=prices[e.key][0],
            unit_price=prices[e.key][1],
            rank=rank,
            supply_regions=[settings.HOME_PROVINCE],
            supplies_home=True,
            valid_from=round_.valid_from,
            valid_until=round_.valid_until,
        )
        for rank, e in enumerate(winners, start=1)
    )
    unit.winners_count = len(winners)
    unit.save(update_fields=["winners_count"])
    if winners and unit.demands.exists() and not unit.demands.filter(base_units__isnull=True).exists():
        _allocate(unit)


# -- volumes (R-VBP-2, R-VBP-3) ----------------------------------------------------------------------


def last_year_use(hospital_id: int, unit: CompetitionUnit, today: date | None = None) -> int:
    """R-VBP-2: the minimum units of the unit's generic name (and route) the hospital accepted in the last
    12 months, returns subtracted — from its accepted batches, not from what it says."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COALESCE(sum((s.accepted_quantity - s.returned_quantity)::bigint * p.pack_quantity), 0)
               FROM orders_shipment s
               JOIN orders_orderline l ON l.id = s.line_id
               JOIN catalogue_product p ON p.id = l.product_id
               WHERE s.hospital_id = %s AND s.accepted_at IS NOT NULL
                 AND (s.accepted_at AT TIME ZONE %s)::date > %s AND (s.accepted_at AT TIME ZONE %s)::date <= %s
                 AND p.generic_name = %s AND (%s = '' OR p.route = %s)""",
            [
                hospital_id,
                settings.TIME_ZONE,
                today - relativedelta(years=1),
                settings.TIME_ZONE,
                today,
                unit.generic_name,
                unit.route,
                unit.route,
            ],
        )
        return int(cursor.fetchone()[0])


def demand_report(*, actor: User, unit_id: int, reported_units: int, note: str = "") -> DemandReport:
    """R-VBP-2: a hospital reports (or corrects) its demand for a unit, until its volumes are allocated;
    last year's actual use is recorded beside it."""
    _require(can_report_volumes(actor), _("Only a hospital's buyer reports VBP demand."))
    reported_units = _whole_units(reported_units, "reported_units")
    hospital = actor.organisation
    with transaction.atomic(), audit_reason(_("VBP demand reported")):
        unit = _lock_unit(visible_to(actor, CompetitionUnit).get(pk=unit_id).pk)
        if unit.round.status == RoundStatus.DRAFT and unit.round.kind == RoundKind.PROVINCIAL:
            raise Conflict(_("This round is still being defined."), code="not_announced")
        if unit.allocations.exists():
            raise Conflict(
                _("The volumes of this unit are allocated: demand can no longer be reported."),
                code="allocated",
                rule="R-VBP-3",
            )
        report, _created = DemandReport.objects.update_or_create(
            unit=unit,
            hospital=hospital,
            defaults={
                "reported_units": reported_units,
                "last_year_units": last_year_use(hospital.pk, unit),
                "note": (note or "").strip()[:200],
                "reported_by": actor,
            },
        )
    return report


def demand_base_set(*, actor: User, demand_id: int, base_units: int, reason: str = "") -> DemandReport:
    """R-VBP-2: the bureau sets a hospital's base after checking its report against last year's use; a
    base that differs from what the hospital reported carries the reason."""
    _require(can_run_rounds(actor), _("Only the provincial bureau sets VBP bases."))
    base_units = _whole_units(base_units, "base_units")
    with transaction.atomic():
        report = visible_to(actor, DemandReport).get(pk=demand_id)
        unit = _lock_unit(report.unit_id)
        report = DemandReport.objects.select_for_update().get(pk=report.pk)
        if base_units != report.reported_units:
            reason = _required(reason)
        if unit.allocations.exists():
            raise Conflict(_("The volumes of this unit are allocated already."), code="allocated", rule="R-VBP-3")
        with audit_reason(reason or _("VBP base set as reported")):
            report.base_units, report.base_reason, report.base_set_by = base_units, (reason or "").strip(), actor
            report.save(update_fields=["base_units", "base_reason", "base_set_by"])
    return report


def unit_allocate(*, actor: User, unit_id: int) -> list[Allocation]:
    """R-VBP-2, R-VBP-3, R-VBP-4: allocate a unit's agreed volume and make its contracts (the bureau, once
    the winners are known and every reported hospital has its base)."""
    _require(can_run_rounds(actor), _("Only the provincial bureau allocates VBP volumes."))
    with transaction.atomic(), audit_reason(_("VBP volumes allocated")):
        unit = _lock_unit(unit_id)
        if not unit.winners.exists():
            raise Conflict(_("This unit has no winners yet."), code="no_winners", rule="R-VBP-2")
        if unit.allocations.exists():
            raise Conflict(_("The volumes of this unit are allocated already."), code="allocated", rule="R-VBP-3")
        missing = list(unit.demands.filter(base_units__isnull=True).values_list("hospital__name", flat=True))
        if missing:
            raise Conflict(
                _("Set the base of every hospital that reported first: %(names)s.") % {"names": "、".join(missing)},
                code="bases_missing",
                rule="R-VBP-2",
                params={"hospitals": missing},
            )
        if not unit.demands.exists():
            raise Conflict(_("No hospital has reported demand for this unit."), code="no_demand", rule="R-VBP-2")
        return _allocate(unit)


def _allocate(unit: CompetitionUnit) -> list[Allocation]:
    """Inside the caller's transaction, the unit locked: the province's agreed volume = Σ base × the ratio
    for the number of winners (R-VBP-2), split to hospitals by their bases with the largest remainders
    (R-VBP-3: the shares sum exactly to it), each share split among the winners (R-VBP-8), a contract per
    hospital and winner (R-VBP-4); each hospital confirms before its deadline."""
    winners = list(unit.winners.order_by("rank"))
    demands = list(unit.demands.filter(base_units__gt=0).order_by("hospital_id"))
    total = rules.agreed_volume(sum(d.base_units for d in demands), len(winners))
    shares = rules.split_largest_remainder(total, [d.base_units for d in demands])
    today = timezone.localdate()
    days = policy("VBP_CONFIRM_WORKING_DAYS")
    deadline = add_working_days(today, days)
    round_ = unit.round
    allocations = Allocation.objects.bulk_create(
        Allocation(
            unit=unit,
            hospital_id=demand.hospital_id,
            base_units=demand.base_units,
            agreed_units=share,
            deadline_start=today,
            deadline_working_days=days,
            deadline=deadline.date,
            deadline_provisional=deadline.provisional,
        )
        for demand, share in zip(demands, shares, strict=True)
    )
    contracts = []
    for allocation in allocations:
        for winner, volume in zip(
            winners, rules.split_among_winners(allocation.agreed_units, len(winners)), strict=True
        ):
            contracts.append(
                Contract(
                    allocation=allocation,
                    unit=unit,
                    winner=winner,
                    hospital_id=allocation.hospital_id,
                    manufacturer_id=winner.manufacturer_id,
                    product_id=winner.product_id,
                    price=winner.price,
                    volume_units=volume,
                    valid_from=max(winner.valid_from, round_.valid_from),
                    valid_until=winner.valid_until,
                )
            )
    Contract.objects.bulk_create(contracts)
    return allocations


def allocation_confirm(*, actor: User, allocation_id: int) -> Allocation:
    """R-VBP-3: the hospital confirms its share (分量确认) by its deadline; after it the share stays
    unconfirmed and is flagged to the bureau."""
    _require(can_report_volumes(actor), _("Only a hospital's buyer confirms its VBP volume."))
    with transaction.atomic(), audit_reason(_("VBP volume confirmed")):
        allocation = visible_to(actor, Allocation, for_write=True).get(pk=allocation_id)
        _lock_unit(allocation.unit_id)
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.confirmed_at is not None:
            raise Conflict(_("This share is confirmed already."), code="already_confirmed")
        # DOMAIN §2: nothing is refused on a provisional deadline (its year's calendar is not published).
        if timezone.localdate() > allocation.deadline and not allocation.deadline_provisional:
            raise Conflict(
                _("The deadline to confirm this share was %(deadline)s: ask the bureau.")
                % {"deadline": allocation.deadline.isoformat()},
                code="deadline_passed",
                rule="R-VBP-3",
            )
        allocation.confirmed_at, allocation.confirmed_by = timezone.now(), actor
        allocation.save(update_fields=["confirmed_at", "confirmed_by"])
    return allocation


def unconfirmed_allocations():
    """R-VBP-3: shares past their (final) deadline and not confirmed (the bureau's flag). Unscoped: callers scope."""
    return Allocation.objects.filter(
        confirmed_at__isnull=True, deadline__lt=timezone.localdate(), deadline_provisional=False
    )


# -- supply (R-VBP-11) -----------------------------------------------------------------------------------


def supply_report(*, actor: User, winner_id: int, month: date, capacity_units: int, stock_units: int):
    """R-VBP-11: the winning company reports a month's capacity and stock of its winning product (again, to
    correct it); the nightly job compares the stock with its contracts' demand."""
    from vbp.models import SupplyReport

    _require(can_bid(actor), _("Only the winning company reports its capacity and stock."))
    capacity_units = _whole_units(capacity_units, "capacity_units")
    stock_units = _whole_units(stock_units, "stock_units")
    if not isinstance(month, date):
        raise DomainError(_("Give the month."), code="invalid", field="month")
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise DomainError(_("The month has not begun."), code="in_future", field="month", rule="R-VBP-11")
    winner = Winner.objects.filter(pk=winner_id, manufacturer_id=actor.organisation_id).first()
    if winner is None:
        raise DomainError(_("Not a winning product of your company."), code="not_found", field="winner")
    with transaction.atomic(), audit_reason(_("Capacity and stock reported")):
        report, _created = SupplyReport.objects.update_or_create(
            winner=winner,
            month=month,
            defaults={
                "manufacturer_id": actor.organisation_id,
                "capacity_units": capacity_units,
                "stock_units": stock_units,
                "reported_by": actor,
            },
        )
    return report
