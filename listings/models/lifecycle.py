"""Listings (挂网产品) and every change of their status or price (DOMAIN.md §3)."""

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    ListingCategory,
    ListingStatus,
    SuspensionCause,
)
from listings.models.declarations import Declaration
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.changes import change_stamp_trigger, change_xid_field
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import PriceField
from procurement.core.references import references_checked
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User

_CATEGORY_LABELS = dict(ListingCategory.choices)


@tracked(bulk_updates=True)  # suspended and reinstated by the thousand by nightly jobs (R-LIST-10, R-LIST-14)
class Listing(models.Model):
    """挂网产品: a product hospitals may buy, at its listing price (per pack).

    The public sees every listing (信息公开); only its manufacturer (and the bureau) change it.
    """

    product = models.OneToOneField(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="listing")
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="listings"
    )
    category = models.CharField(_("category"), max_length=30, choices=ListingCategory.choices)
    price = PriceField(_("listing price"), help_text=_("Per pack, in yuan."))
    status = models.CharField(_("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.LISTED)
    suspension_cause = models.CharField(
        _("suspended because"), max_length=20, choices=SuspensionCause.choices, blank=True
    )
    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    listed_at = models.DateTimeField(_("listed"))
    price_since = models.DateField(_("price since"))
    last_sale_at = models.DateTimeField(_("last sale"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    change_xid = change_xid_field()  # HIS clients pull price changes (R-ORD-5)

    scope_rule = ScopeRule(public=True, manufacturer="manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["product__generic_name", "product__code"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="listing_price_positive"),
            models.CheckConstraint(
                condition=Q(status=ListingStatus.SUSPENDED) | Q(suspension_cause=""),
                name="listing_cause_only_when_suspended",
            ),
        ]
        # An equality index (Django's db_index would add a varchar_pattern_ops twin every suspension
        # writes for nothing: nothing searches a status by LIKE).
        indexes = [models.Index(fields=["status"], name="listing_status")]
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.product} · {self.price}"

    @property
    def unit_price(self):
        return self.product.unit_price(self.price)

    @property
    def category_label(self):
        """``get_category_display()``, from a map made once: Django's builds a dict of every choice on each
        call (50 a public page: 1 ms, bench/search.py)."""
        return _CATEGORY_LABELS.get(self.category, self.category)


class ListingTransition(models.Model):
    """One change of a listing's status or price: who (or which job), when, why (DOMAIN §3)."""

    # Checked once a statement (procurement.core.references): nightly jobs log them by the thousand.
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="transitions", db_constraint=False)
    from_status = models.CharField(_("from"), max_length=10, choices=ListingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ListingStatus.choices)
    price_before = PriceField(_("price before"), null=True, blank=True)
    price_after = PriceField(_("price after"), null=True, blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by (job)"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    scope_rule = ScopeRule(public=True, manufacturer="listing__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing transition")
        verbose_name_plural = _("listing transitions")
        ordering = ["-created_at", "-id"]
        # A record of what happened: like the audit trail, never edited or deleted.
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            *references_checked("listings_listingtransition", {"listing": "listings_listing"})[:1],  # never updated
        ]

    def __str__(self):
        return f"{self.listing_id}: {self.from_status} → {self.to_status}"

    @property
    def who(self) -> str:
        from procurement.core.jobs import actor_name

        return str(self.actor) if self.actor_id else actor_name(self.actor_label)

    @property
    def by_whom(self) -> str:
        """Who made the change, as the public may read it: the bureau, the manufacturer or the platform's
        nightly work — never a person's name (issue 11 #3)."""
        if not self.actor_id:
            return (
                str(_("the platform (nightly work)")) if self.actor_label.startswith("job:") else str(_("the platform"))
            )
        kind = getattr(self.actor.organisation, "kind", "")
        return str(_("the bureau")) if kind == "bureau" or self.actor.is_superuser else str(_("the manufacturer"))
