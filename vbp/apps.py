from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VbpConfig(AppConfig):
    name = "vbp"
    verbose_name = _("Volume-based procurement")

    def ready(self):
        # Registers the price source, the nightly jobs, and what VBP adds to other rules: the negotiation
        # exclusion of winners (R-NEG-1), the withdrawal exception (R-LIST-13), the non-winning cap on
        # orders (R-VBP-6) and completion on acceptance (R-VBP-5).
        from vbp import flag_sources, jobs, price_source, receivers  # noqa: F401
