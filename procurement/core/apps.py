from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "procurement.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from procurement.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
