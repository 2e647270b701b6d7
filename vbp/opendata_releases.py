"""VBP results and contracts as OCDS releases (R-SUP-7, through ``procurement.core.opendata``): one release per
opened round — its units as the tender's items, each winner an award at its winning price, each hospital's
contract (R-VBP-4) a contract with its agreed volume and amount. Only opened rounds: before its opening a round's
bids are sealed (R-VBP-9); after it the results are public."""

from django.utils.translation import gettext_lazy

from procurement.core import opendata
from procurement.core.scoping import visible_to
from vbp.choices import RoundKind, RoundStatus
from vbp.models import Round, Winner
from vbp.selectors import published_contracts


def vbp_releases(period: opendata.Period):
    bureau = opendata.procuring_entity()
    rounds = opendata.in_period(
        visible_to(None, Round).filter(status=RoundStatus.OPENED).order_by("id"), "opened_at", period
    )
    for round_ in rounds.prefetch_related("units"):
        winners = list(
            visible_to(None, Winner).filter(unit__round=round_).select_related("product", "manufacturer", "unit")
        )
        contracts = list(published_contracts().filter(unit__round=round_).order_by("id"))
        parties = opendata.merge_parties(
            [opendata.party(bureau, "procuringEntity")] if bureau else [],
            [opendata.party(winner.manufacturer, "supplier", "tenderer") for winner in winners],
            [opendata.party(contract.hospital, "buyer") for contract in contracts],
        )
        release = {
            "ocid": opendata.ocid("vbp-round", round_.pk),
            "id": f"vbp-round-{round_.pk}-{round_.opened_at:%Y%m%d%H%M%S}",
            "date": opendata.moment(round_.opened_at),
            "tag": ["award", "contract"],
            "initiationType": "tender",
            "language": "zh",
            "parties": parties,
            "tender": {
                "id": f"vbp-round-{round_.pk}",
                "title": round_.name,
                "status": "complete",
                "procurementMethod": "open",
                "procurementMethodDetails": "国家组织药品集中带量采购"
                if round_.kind == RoundKind.NATIONAL
                else "省级药品集中带量采购",
                "mainProcurementCategory": "goods",
                "awardCriteria": "priceOnly",
                "items": [
                    {"id": f"unit-{unit.pk}", "description": str(unit), "quantity": None} for unit in round_.units.all()
                ],
                "contractPeriod": {
                    "startDate": opendata.moment(round_.valid_from),
                    "endDate": opendata.moment(round_.valid_until),
                },
            },
            "awards": [
                {
                    "id": f"winner-{winner.pk}",
                    "title": str(winner.unit),
                    "status": "active",
                    "date": opendata.moment(round_.opened_at),
                    "value": opendata.value(winner.price),
                    "suppliers": [opendata.reference(winner.manufacturer)],
                    "items": [opendata.drug_item(winner.product, price=winner.price)],
                    "contractPeriod": {
                        "startDate": opendata.moment(winner.valid_from),
                        "endDate": opendata.moment(winner.valid_until),
                    },
                }
                for winner in winners
            ],
            "contracts": [
                {
                    "id": f"vbp-contract-{contract.pk}",
                    "awardID": f"winner-{contract.winner_id}",
                    "title": f"{contract.hospital.name} · {contract.product.generic_name}",
                    "status": "active",
                    "period": {
                        "startDate": opendata.moment(contract.valid_from),
                        "endDate": opendata.moment(contract.valid_until),
                    },
                    "value": opendata.value(contract.amount),
                    "items": [opendata.drug_item(contract.product, quantity=contract.volume_units, per_unit=True)],
                    "dateSigned": opendata.moment(contract.created_at),
                }
                for contract in contracts
            ],
        }
        if bureau:
            release["buyer"] = opendata.reference(bureau)
            release["tender"]["procuringEntity"] = opendata.reference(bureau)
        yield release


opendata.register_release_source(
    opendata.OcdsReleaseSource("vbp", gettext_lazy("VBP results and contracts"), vbp_releases)
)
