"""What an abnormal finding says, from its figures (R-SUP-4): one sentence per kind, the figures in it."""

from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.organisations.choices import PROVINCES
from supervision.choices import AnomalyKind


def _yuan(value) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,}"


def _count(value) -> str:
    amount = Decimal(str(value))
    return (
        f"{amount.quantize(Decimal('1')):,}"
        if amount == amount.to_integral()
        else f"{amount.quantize(Decimal('0.1')):,}"
    )


def explain(kind: str, figures: dict) -> str:
    if kind == AnomalyKind.PRICE_RISE_FREQUENCY:
        return _("Raised %(count)s times in %(days)s days (%(first)s → %(last)s yuan)") % {
            "count": figures["rises"],
            "days": figures["days"],
            "first": _yuan(figures["first_price"]),
            "last": _yuan(figures["last_price"]),
        }
    if kind == AnomalyKind.PRICE_RISE_SIZE:
        share = (Decimal(str(figures["last_price"])) / Decimal(str(figures["first_price"])) - 1) * 100
        return _("Raised %(share)s %% in %(days)s days (%(first)s → %(last)s yuan)") % {
            "share": share.quantize(Decimal("0.1")),
            "days": figures["days"],
            "first": _yuan(figures["first_price"]),
            "last": _yuan(figures["last_price"]),
        }
    if kind == AnomalyKind.REGIONAL_GAP:
        return _("This province %(here)s yuan, lowest province %(lowest)s yuan (%(province)s)") % {
            "here": _yuan(figures["price"]),
            "lowest": _yuan(figures["lowest"]),
            "province": PROVINCES.get(figures["province"], figures["province"]),
        }
    if kind == AnomalyKind.PURCHASE_SPIKE:
        return _("This month %(packs)s packs, average of the %(months)s months before %(average)s packs") % {
            "packs": _count(figures["packs"]),
            "months": figures["months"],
            "average": _count(figures["average"]),
        }
    return ""
