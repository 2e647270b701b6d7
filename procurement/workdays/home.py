"""What the calendar asks of administrators: publish next year's holidays."""

from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.organisations.choices import OrganisationKind
from procurement.web.home import HomeItem, home_panel
from procurement.workdays.services import provisional_deadline_counts, unpublished_years_ahead


@home_panel
def calendar_items(user):
    if not (user.is_superuser or user.kind == OrganisationKind.BUREAU):
        return []
    items = []
    url = reverse("workdays:calendar")
    for year in unpublished_years_ahead():
        items.append(
            HomeItem(
                _("The %(year)d holiday calendar is not loaded: deadlines reaching into it are provisional.")
                % {"year": year},
                url=f"{url}?year={year}",
                tone="urgent" if user.is_superuser else "info",
            )
        )
    provisional = sum(provisional_deadline_counts().values())
    if provisional:
        items.append(HomeItem(_("Provisional deadlines"), count=provisional, url=url, tone="todo"))
    return items
