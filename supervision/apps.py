from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Registers the nightly job of the indicators (the policy values are found by the core).
        from supervision import jobs  # noqa: F401
