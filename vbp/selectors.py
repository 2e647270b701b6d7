"""Scoped reads of volume-based procurement (every page and API route reads through ``visible_to``)."""

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from procurement.catalogue.models import Product
from procurement.core.scoping import visible_to
from procurement.organisations.models import Organisation
from vbp.choices import RoundStatus
from vbp.models import Allocation, Bid, BidResult, CompetitionUnit, Contract, ContractProgress, DemandReport, Round


def rounds_for(user):
    """Every announced round; drafts only for those who run rounds."""
    from vbp.services import can_run_rounds

    rounds = visible_to(user, Round)
    if not can_run_rounds(user):
        rounds = rounds.exclude(status=RoundStatus.DRAFT)
    return rounds


def units_for(user):
    from vbp.services import can_run_rounds

    units = visible_to(user, CompetitionUnit).select_related("round")
    if not can_run_rounds(user):
        units = units.exclude(round__status=RoundStatus.DRAFT)
    return units


def own_bids(user):
    """A company's own bids (nobody else is given any: R-VBP-9)."""
    return visible_to(user, Bid).select_related("unit__round", "product")


def results_for(user, unit):
    return visible_to(user, BidResult).filter(unit=unit).select_related("manufacturer", "product")


def demands_for(user):
    return visible_to(user, DemandReport).select_related("hospital", "unit")


def allocations_for(user):
    return visible_to(user, Allocation).select_related("hospital", "unit__round")


def contracts_for(user):
    return visible_to(user, Contract).select_related("hospital", "manufacturer", "product", "unit__round", "progress")


def published_contracts(query: str = ""):
    """R-VBP-4, R-SUP-7: the contracts published with their round's results, for anyone — every contract of a
    round visible to the public and opened (before its opening nothing of a round is public, R-VBP-9). Read as
    the publication, not for a user: the round decides, through ``visible_to``. ``query`` keeps the contracts
    whose round, product, winning company or hospital names contain it. The newest first, paged in SQL by the
    caller: a province holds about 90,000 contracts."""
    opened = visible_to(None, Round).filter(status=RoundStatus.OPENED)
    contracts = Contract.objects.filter(unit__round__in=opened)
    if query := query.strip():
        # Each name is matched in its own table, and the contracts found by their indexed keys: matched on the
        # contracts joined to every name, a search took 0.6–1 s over 90,000 contracts. Only contracts come back.
        named = Organisation.objects.filter(name__icontains=query).values("pk")
        contracts = contracts.filter(
            Q(unit__in=CompetitionUnit.objects.filter(round__in=opened.filter(name__icontains=query)).values("pk"))
            | Q(product__in=Product.objects.filter(generic_name__icontains=query).values("pk"))
            | Q(manufacturer__in=named)
            | Q(hospital__in=named)
        )
    # By the contract's key, newest first: the page's rows are read in order and joined one by one (ordered by
    # round, every contract was joined and sorted: 0.3 s a page).
    return contracts.select_related("unit__round", "winner", "manufacturer", "hospital", "product").order_by("-id")


def completion_by_hospital(user):
    """R-VBP-5: each hospital's contracts, bought and expected units in their current year, behind or not."""
    return (
        visible_to(user, ContractProgress)
        .values("hospital_id", "hospital__name", "hospital__region__name")
        .annotate(
            contracts=Count("contract"),
            volume=Sum("contract__volume_units"),
            bought=Sum("bought_units"),
            expected=Sum("expected_units"),
            behind=Count("contract", filter=Q(behind=True)),
        )
        .order_by("-behind", "hospital__name")
    )


def completion_by_region(user):
    """R-VBP-5 by city: the hospitals' regions are counties or cities; a county's city is its parent."""
    rows = {}
    for row in (
        visible_to(user, ContractProgress)
        .annotate(city=F("hospital__region__parent__name"), own=F("hospital__region__name"))
        .values("city", "own")
        .annotate(
            volume=Sum("contract__volume_units"),
            bought=Sum("bought_units"),
            expected=Sum("expected_units"),
            behind=Count("contract", filter=Q(behind=True)),
        )
    ):
        name = row["city"] or row["own"]
        total = rows.setdefault(name, {"region": name, "volume": 0, "bought": 0, "expected": 0, "behind": 0})
        for key in ("volume", "bought", "expected", "behind"):
            total[key] += row[key] or 0
    return sorted(rows.values(), key=lambda row: row["region"] or "")


def contract_months(contract, year_start, year_end) -> dict:
    """R-VBP-5: minimum units of a contract's product its hospital accepted in each month of the contract year,
    returns subtracted — read from the batches for the one contract the caller fetched through its scope."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT date_trunc('month', s.accepted_at AT TIME ZONE %(tz)s)::date,
                      sum((s.accepted_quantity - s.returned_quantity)::bigint * p.pack_quantity)
               FROM orders_orderline l
               JOIN catalogue_product p ON p.id = l.product_id
               JOIN orders_shipment s ON s.line_id = l.id
               WHERE l.hospital_id = %(hospital)s AND l.product_id = %(product)s AND s.accepted_quantity > 0
                 AND s.accepted_at >= (%(start)s::timestamp AT TIME ZONE %(tz)s)
                 AND s.accepted_at < (%(end)s::timestamp AT TIME ZONE %(tz)s)
               GROUP BY 1""",
            {
                "tz": settings.TIME_ZONE,
                "hospital": contract.hospital_id,
                "product": contract.product_id,
                "start": year_start,
                "end": year_end + timedelta(days=1),
            },
        )
        return dict(cursor.fetchall())


def behind_pace(user):
    return visible_to(user, ContractProgress).filter(behind=True)


def unconfirmed_past_deadline(user):
    """R-VBP-3's flag: past a final deadline (a provisional one flags nothing: DOMAIN §2)."""
    return allocations_for(user).filter(
        confirmed_at__isnull=True, deadline__lt=timezone.localdate(), deadline_provisional=False
    )
