"""Failed nightly jobs, for platform administrators."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.models import JobRun, JobStatus
from procurement.web.home import HomeItem, home_panel


@home_panel
def job_items(user):
    if not user.is_superuser:
        return []
    failed = JobRun.objects.filter(status=JobStatus.FAILED, started_at__gte=timezone.now() - timedelta(days=7)).count()
    if not failed:
        return []
    return [
        HomeItem(
            _("Nightly job runs failed in the last 7 days"),
            count=failed,
            url=reverse("admin:core_jobrun_changelist") + "?status__exact=failed",
            tone="urgent",
        )
    ]
