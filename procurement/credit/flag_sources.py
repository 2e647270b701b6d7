"""Credit events (R-SUP-3) offered to supervision through the core's flag registry (R-SUP-5): every company
with a credit grade on the day, with the gravest event that makes it."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.flags import COMPANY, Flagged, register_flag_source
from procurement.core.scoping import scope_q
from procurement.credit.choices import Measure, Severity
from procurement.credit.grades import grades_on, measure_of
from procurement.credit.models import CreditEvent
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation


def visible_company_ids(user) -> list[int] | None:
    """The companies whose credit record ``user`` may read (None: every one)."""
    condition = scope_q(CreditEvent, user)
    if condition is None:
        return None
    return list(CreditEvent.objects.filter(condition).order_by().values_list("organisation_id", flat=True).distinct())


@register_flag_source("credit_event", label=gettext_lazy("Credit events"), rule="R-SUP-3", subject=COMPANY, order=50)
def credit_event_flags(user, day):
    """R-SUP-3: companies graded on ``day`` — how many events count, since when, the grade and its measure."""
    found = []
    names = set()
    for organisation_id, grade, count, since in grades_on(day, visible_company_ids(user)):
        names.add(organisation_id)
        found.append(
            Flagged(
                organisation_id,
                _("%(count)d credit events since %(since)s: grade “%(grade)s”, measure “%(measure)s”")
                % {
                    "count": count,
                    "since": since.isoformat(),
                    "grade": Severity(grade).label,
                    "measure": Measure(measure_of(grade)).label,
                },
                {"events": count, "since": since.isoformat(), "grade": grade, "measure": measure_of(grade)},
                reverse("credit:company", args=[organisation_id]),
            )
        )
    companies = set(
        Organisation.objects.filter(
            pk__in=names, kind__in=[OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR]
        ).values_list("pk", flat=True)
    )
    return [flagged for flagged in found if flagged.subject_id in companies]
