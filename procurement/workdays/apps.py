from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "procurement.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from procurement.workdays import jobs  # noqa: F401  (registers the nightly job)
