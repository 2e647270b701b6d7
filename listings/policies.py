from django.utils.translation import gettext_lazy as _

from procurement.core.policy import INTEGER, MAPPING, register_policy
from procurement.organisations.choices import ExpertSpeciality

register_policy(
    "LINKAGE_WORKING_DAYS",
    rule="R-LIST-10",
    description=_("Working days a manufacturer has to declare a compliant price after a lower national price."),
    kind=INTEGER,
    default=20,
    minimum=1,
    maximum=120,
)
register_policy(
    "NO_SALE_CLOSE_MONTHS",
    rule="R-LIST-12",
    description=_("Months without a sale after which a listing's purchasing is closed."),
    kind=INTEGER,
    default=12,
    minimum=1,
    maximum=60,
)
register_policy(
    "EXPERT_PANEL_SIZES",
    rule="R-LIST-6",
    description=_("How many experts of each speciality are drawn for a new drug's price negotiation."),
    kind=MAPPING,
    default={
        ExpertSpeciality.MEDICAL_INSURANCE: 1,
        ExpertSpeciality.CLINICAL: 2,
        ExpertSpeciality.PHARMACY: 1,
        ExpertSpeciality.MANAGEMENT: 1,
    },
    keys=tuple(ExpertSpeciality.values),
    key_labels=tuple(ExpertSpeciality.choices),
)
