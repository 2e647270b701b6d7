from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filed purchases")

    def ready(self):
        from filings import flag_sources, jobs, price_source  # noqa: F401  (the nightly jobs, the price source, the flags)
