from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Registers the nightly jobs (abnormal prices and purchases, credit interview cases; the indicators).
        from supervision import flag_sources, indicator_jobs, jobs  # noqa: F401
