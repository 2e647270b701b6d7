from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Prepayment and settlement")

    def ready(self):
        # Registers the nightly jobs, the receivers of order events and the policy values.
        from settlement import flag_sources, jobs, policies, receivers  # noqa: F401
