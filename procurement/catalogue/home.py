"""What waits on the home page, from the catalogue and the national feed."""

from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.models import NationalPriceImport, Product
from procurement.catalogue.services import can_import_national_prices
from procurement.organisations.choices import OrganisationKind
from procurement.web.home import HomeItem, home_panel


@home_panel
def catalogue_items(user):
    items = []
    if user.kind == OrganisationKind.MANUFACTURER:
        count = Product.objects.filter(manufacturer=user.organisation).count()
        items.append(
            HomeItem(
                _("Your products in the catalogue"),
                count=count,
                url=reverse("catalogue:product-list") + f"?manufacturer={user.organisation_id}",
                tone="info",
            )
        )
    if can_import_national_prices(user):
        latest = NationalPriceImport.objects.order_by("-created_at").first()
        url = reverse("catalogue:import-list")
        if latest is None:
            items.append(HomeItem(_("The national price feed has never been loaded."), url=url, tone="urgent"))
        elif latest.status == ImportStatus.FAILED:
            items.append(
                HomeItem(
                    _("The last national price file was refused: fix its rows and load it again."),
                    count=latest.error_count,
                    url=reverse("catalogue:import-detail", args=[latest.pk]),
                    tone="urgent",
                )
            )
        elif latest.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
            items.append(
                HomeItem(
                    _("A national price file is being loaded."),
                    url=reverse("catalogue:import-detail", args=[latest.pk]),
                    tone="info",
                )
            )
        else:
            items.append(
                HomeItem(
                    _("National price feed last loaded on %(date)s")
                    % {"date": latest.finished_at.strftime("%Y-%m-%d")},
                    url=url,
                    tone="info",
                    detail=latest.message,
                )
            )
    return items
