from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "procurement.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_save
        from django.utils.module_loading import autodiscover_modules

        from procurement.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from procurement.core.limits import check_text_lengths
        from procurement.core.policy import write_first_defaults

        connection_created.connect(set_trigger_session_defaults, dispatch_uid="procurement.trigger_defaults")
        # Each app declares the policy values its rules use in its policies.py; after migrate, those
        # without a value in force get their first default.
        autodiscover_modules("policies")
        # Channels declare their purchase contracts to the others (procurement.core.contracts).
        autodiscover_modules("contract_source")
        # Channels declare what they tell supervision about a hospital's month (procurement.core.indicators).
        autodiscover_modules("indicators")
        # … the prices the payment standards rest on (procurement.core.reference_prices) …
        autodiscover_modules("reference_prices")
        # … and their releases for the open-data export (procurement.core.opendata).
        autodiscover_modules("opendata_releases")
        post_migrate.connect(write_first_defaults, sender=self, dispatch_uid="procurement.policy_defaults")
        pre_save.connect(check_text_lengths, dispatch_uid="procurement.text_lengths")


def set_trigger_session_defaults(sender, connection, **kwargs):
    """Give every database session an empty ``pgtrigger.ignore`` list.

    Each audit trigger asks pgtrigger whether to skip itself by reading that setting inside an
    exception block; while the setting does not exist every call raises and catches an error, and a
    transaction that has done so a few thousand times makes every later trigger call several times
    slower (measured in bench/price_linkage.py: 0.24 s against 0.07 s for 3,000 updates).
    pgtrigger.ignore() still works: it sets the list locally to a transaction.

    And plan the prepared hot reads once (procurement.core.internals): left to choose, PostgreSQL
    plans them anew for each array of codes, which is what preparing them was to avoid. Only those
    reads are prepared (Django's own queries never are), so nothing else is affected.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pgtrigger.ignore = '{}'; SET plan_cache_mode = force_generic_plan")
