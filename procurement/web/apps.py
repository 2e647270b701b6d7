from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "procurement.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self):
        # Each app says what waits for a user on the home page in its own home.py…
        autodiscover_modules("home")
        # …and which pages of the navigation bar are its own, in its menu.py.
        autodiscover_modules("menu")
