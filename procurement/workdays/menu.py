from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, bureau_or_admin, register_menu

register_menu(MenuItem(_("Working days"), "workdays:calendar", bureau_or_admin, order=86, group="system"))
