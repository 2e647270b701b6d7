"""R-NEG-7's flags, offered to supervision through the core's flag registry (R-SUP-5): long-term
non-negotiation and a red-zone share above the threshold."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from negotiation import selectors
from procurement.core.flags import HOSPITAL, Flagged, register_flag_source
from procurement.core.money import format_yuan
from procurement.core.policy import policy


@register_flag_source(
    "red_share", label=gettext_lazy("Red-zone share above the line"), rule="R-NEG-7", subject=HOSPITAL, order=10
)
def red_share(user, day):
    """R-NEG-7: hospitals whose agreements in the red zone exceed RED_SHARE_FLAG of their zoned ones."""
    url = reverse("negotiation:flags")
    line = policy("RED_SHARE_FLAG")
    return [
        Flagged(
            flag.hospital.pk,
            _("%(red)d of %(zoned)d zoned agreements in the red zone (%(share).0f %%), above %(line).0f %%")
            % {
                "red": flag.figures["red"],
                "zoned": flag.figures["zoned"],
                "share": 100 * flag.figures["share"],
                "line": 100 * line,
            },
            {"red": flag.figures["red"], "zoned": flag.figures["zoned"], "line": str(line)},
            url,
        )
        for flag in selectors.flags(user, day, kinds={"red_share"})
    ]


@register_flag_source(
    "non_negotiation", label=gettext_lazy("Long-term non-negotiation"), rule="R-NEG-7", subject=HOSPITAL, order=11
)
def non_negotiation(user, day):
    """R-NEG-7: hospitals that bought negotiable products at the listing price with no agreement for
    NON_NEGOTIATION_DAYS days."""
    url = reverse("negotiation:flags")
    return [
        Flagged(
            flag.hospital.pk,
            _(
                "%(products)d negotiable products bought at the listing price (%(amount)s) with no agreement for %(days)d days"
            )
            % {
                "products": flag.figures["products"],
                "amount": format_yuan(flag.figures["amount"]),
                "days": flag.figures["days"],
            },
            {
                "products": flag.figures["products"],
                "amount": str(flag.figures["amount"]),
                "days": flag.figures["days"],
            },
            url,
        )
        for flag in selectors.flags(user, day, kinds={"non_negotiation"})
    ]
