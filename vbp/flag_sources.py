"""VBP completion behind pace (R-VBP-5), offered to supervision through the core's flag registry (R-SUP-5)."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.flags import HOSPITAL, Flagged, register_flag_source
from vbp.selectors import behind_pace


@register_flag_source(
    "vbp_behind_pace", label=gettext_lazy("VBP behind pace"), rule="R-VBP-5", subject=HOSPITAL, order=30
)
def vbp_behind_pace(user, day):
    """R-VBP-5: hospitals with contracts behind pace, as the nightly completion job last found them."""
    rows = (
        behind_pace(user)
        .order_by()
        .values("hospital_id")
        .annotate(contracts=Count("pk"), bought=Sum("bought_units"), expected=Sum("expected_units"))
    )
    url = reverse("vbp:completion")
    return [
        Flagged(
            row["hospital_id"],
            _("%(contracts)d contracts behind pace: %(bought)s of %(expected)s minimum units expected by now")
            % {"contracts": row["contracts"], "bought": f"{row['bought']:,}", "expected": f"{row['expected']:,}"},
            {"contracts": row["contracts"], "bought": row["bought"], "expected": row["expected"]},
            url,
        )
        for row in rows
    ]
