"""Records of the platform's own work (nightly job runs) and the policy values in force."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procurement.core.audit import tracked
from procurement.core.scoping import ScopedQuerySet, ScopeRule


class JobStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """One run of one nightly job, with what it counted (STYLE.md §8)."""

    name = models.CharField(_("job"), max_length=60, db_index=True)
    triggered_by = models.CharField(_("triggered by"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    scope_rule = ScopeRule()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@tracked()
class PolicyValue(models.Model):
    """A policy value in force (DOMAIN.md "our choice"), as the platform administrator set it.

    What each value means, its rule and its first default are declared by the app that uses it
    (``procurement.core.policy.register_policy``); this row holds the value in force, so that a change
    takes effect at once in every process and is recorded by the audit trail with who and why.
    """

    name = models.CharField(_("name"), max_length=60, primary_key=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_rule = ScopeRule(region=None)  # the province's bureau reads them; nobody else needs to
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        ordering = ["name"]

    def __str__(self):
        return self.name
