"""New drugs (R-LIST-6): the expert panel drawn for a price negotiation and its rounds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    PanelParty,
)
from listings.models.declarations import Declaration
from procurement.core.audit import tracked
from procurement.core.limits import LONG_TEXT_MAX_LENGTH, REASON_MAX_LENGTH
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Expert, User


@tracked()
class ExpertPanel(models.Model):
    """R-LIST-6: experts drawn at random to negotiate the price of a newly registered drug.

    Nobody tied to the manufacturer can be drawn; the draw records who was excluded and why.
    """

    declaration = models.OneToOneField(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="panel"
    )
    experts = models.ManyToManyField(Expert, verbose_name=_("experts"), related_name="panels")
    excluded = models.JSONField(_("excluded from the draw"), default=list, blank=True)
    drawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn"), auto_now_add=True)
    agreed_price = PriceField(_("agreed price"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)

    scope_rule = ScopeRule(manufacturer="declaration__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self):
        return f"{self.declaration}"


class PanelRound(models.Model):
    """One offer in the price negotiation between a new drug's expert panel and its manufacturer
    (R-LIST-6) — not a hospital's negotiation (the negotiation app)."""

    panel = models.ForeignKey(ExpertPanel, on_delete=models.CASCADE, related_name="rounds")
    party = models.CharField(_("party"), max_length=15, choices=PanelParty.choices)
    price = PriceField(_("price offered"))
    note = models.TextField(_("note"), blank=True, max_length=REASON_MAX_LENGTH)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="panel__declaration__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel negotiation round")
        verbose_name_plural = _("panel negotiation rounds")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.get_party_display()} {self.price}"
