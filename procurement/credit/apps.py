from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "procurement.credit"
    label = "credit"
    verbose_name = _("Credit records")

    def ready(self):
        # The resolver's credit check: no source sells what a sanction forbids (R-LIST-14, R-SUP-3).
        from procurement.credit import flag_sources, price_source  # noqa: F401
