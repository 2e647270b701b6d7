"""Hospital negotiation (议价采购), DOMAIN.md §4: negotiation threads and their offers, purchase
agreements (a price source of the order resolver), and the nightly red / yellow / blue zoning."""

import pgtrigger
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from negotiation.choices import AgreementStatus, Party, ThreadStatus, Zone
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import HospitalGroup, HospitalGroupMembership, Organisation, User


def _thread_of_hospital(organisation):
    """A hospital's own threads, and those its groups negotiate for it (R-NEG-3)."""
    return Q(hospital=organisation) | Exists(
        HospitalGroupMembership.objects.filter(group=OuterRef("group"), hospital=organisation)
    )


@tracked()
class Negotiation(models.Model):
    """议价: one hospital (or a group, through its lead hospital) and one manufacturer, about one product.

    The hospital asks a price; the parties then counter in turn, at most NEGOTIATION_MAX_ROUNDS
    counter-offers (R-NEG-4); the party whose turn it is accepts the price on the table or declines.
    ``price`` is the price on the table, ``turn`` the party that must answer it.
    """

    hospital = models.ForeignKey(
        Organisation, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="negotiations"
    )
    group = models.ForeignKey(
        HospitalGroup,
        verbose_name=_("for the group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="negotiations",
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="negotiations_received"
    )
    listing_price = PriceField(_("listing price"), help_text=_("Per pack, when the negotiation began."))
    volume = models.PositiveIntegerField(_("expected volume"), help_text=_("Packs over the agreement's validity."))
    valid_months = models.PositiveSmallIntegerField(_("validity (months)"), default=12)
    price = PriceField(_("price on the table"), help_text=_("Per pack, in yuan."))
    turn = models.CharField(_("to answer"), max_length=12, choices=Party.choices, default=Party.MANUFACTURER)
    counter_rounds = models.PositiveSmallIntegerField(_("counter-offers"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_LENGTH)

    scope_rule = ScopeRule(hospital=_thread_of_hospital, manufacturer="manufacturer", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0) & Q(price__lte=F("listing_price")), name="negotiation_price_within_listing"
            ),
            models.UniqueConstraint(
                fields=["hospital", "product"], condition=Q(status="open"), name="one_open_negotiation_per_product"
            ),
        ]

    def __str__(self):
        return f"{self.hospital} · {self.product}"

    @property
    def is_open(self) -> bool:
        return self.status == ThreadStatus.OPEN


class Offer(models.Model):
    """One price put on the table, by one party (append-only: the thread's record)."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="offers")
    party = models.CharField(_("party"), max_length=12, choices=Party.choices)
    price = PriceField(_("price"))
    note = models.TextField(_("note"), blank=True, max_length=REASON_MAX_LENGTH)
    made_by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    scope_rule = ScopeRule(
        hospital=lambda organisation: Exists(
            Negotiation.objects.filter(pk=OuterRef("negotiation")).filter(_thread_of_hospital(organisation))
        ),
        manufacturer="negotiation__manufacturer",
        region="negotiation__hospital__region",
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["created_at", "id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.get_party_display()} · {self.price}"


@tracked()
class Agreement(models.Model):
    """采购协议 (R-NEG-5): the agreed pack price for one hospital, its volume and validity.

    A group's accepted negotiation makes one agreement per member (R-NEG-3): each binds that member
    and the resolver quotes it to that member only. A newer agreement for the same hospital and
    product supersedes the older.
    """

    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("negotiation")
    )
    hospital = models.ForeignKey(
        Organisation, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="agreements"
    )
    group = models.ForeignKey(
        HospitalGroup, verbose_name=_("group"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Found by product through (product, status) below, by hospital through its own index and the
    # partial unique (hospital, product) of the active ones: no index of their own on product or status.
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="+"
    )
    price = PriceField(pgettext_lazy("agreement", "agreed price"), help_text=_("Per pack, in yuan."))
    unit_price = PriceField(_("agreed unit price"), help_text=_("Per minimum unit: what the zoning compares."))
    listing_price = PriceField(_("listing price"))
    volume = models.PositiveIntegerField(_("volume"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("agreed"), auto_now_add=True)

    scope_rule = ScopeRule(hospital="hospital", manufacturer="manufacturer", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase agreement")
        verbose_name_plural = _("purchase agreements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0) & Q(price__lte=F("listing_price")), name="agreement_price_within_listing"
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="agreement_valid_period"),
            models.UniqueConstraint(
                fields=["hospital", "product"], condition=Q(status="active"), name="one_active_agreement_per_product"
            ),
        ]
        indexes = [models.Index(fields=["product", "status"], name="agreement_product_status")]

    def __str__(self):
        return f"{self.hospital} · {self.product} · {self.price}"

    @property
    def negotiated(self) -> bool:
        """R-NEG-2: an agreed price equal to the listing price counts as not negotiated."""
        return self.price < self.listing_price


class AgreementZoning(models.Model):
    """R-NEG-6: the zone of an agreement in force, with the figures it was decided on.

    Written by the nightly job, one row per agreement in force; a row changes only when its
    figures do (``zoned_on`` is the night they last changed), so a re-run changes nothing.
    Unit prices throughout; the percentiles are of the other public hospitals' agreed unit prices.
    """

    # Derived rows, written only by the nightly job from the agreements in force in the same transaction:
    # no foreign-key checks in the database (600,000 deferred checks cost the job more than its writes;
    # bench/zoning.py) and no index but the key. A hospital's or a product's rows are found through the
    # agreements' own indexes (``agreement__hospital``, ``agreement__product``); hospital and product
    # are copied here for the set-based counts by hospital, product and region, which read every row.
    # Each index here would cost every night's writes (a first night's load: 0.2 s each).
    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, primary_key=True, related_name="zoning", db_constraint=False
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    zone = models.CharField(_("zone"), max_length=8, choices=Zone.choices)
    unit_price = PriceField(_("agreed unit price"))
    peer_count = models.PositiveIntegerField(_("peer hospitals"))
    peer_lowest = PriceField(_("peers' lowest"), null=True)
    peer_yellow_line = PriceField(_("peers' yellow line"), null=True, help_text=_("The yellow percentile (median)."))
    peer_red_line = PriceField(_("peers' red line"), null=True, help_text=_("The red percentile (75th)."))
    national_lowest = PriceField(_("national lowest unit price"), null=True)
    yellow_percentile = models.DecimalField(_("yellow percentile"), max_digits=4, decimal_places=3)
    red_percentile = models.DecimalField(_("red percentile"), max_digits=4, decimal_places=3)
    zoned_on = models.DateField(_("zoned on"))

    scope_rule = ScopeRule(hospital="agreement__hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement zoning")
        verbose_name_plural = _("agreement zonings")

    def __str__(self):
        return f"{self.agreement_id} · {self.zone}"


class ProductZoning(models.Model):
    """R-NEG-6: what a product's zoning was last decided on, as a fingerprint.

    A product's zones depend on nothing but its agreements in force at public hospitals (which, at
    what unit price), its national lowest unit price and the thresholds. The nightly job hashes
    these per product and recomputes the zoning only of products whose fingerprint moved; the
    others keep their rows untouched. Written by the job with the zoning, in the same transaction.
    """

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    agreements = models.PositiveIntegerField(_("agreements zoned"))
    fingerprint = models.CharField(_("fingerprint"), max_length=32)
    zoned_on = models.DateField(_("zoned on"))

    class Meta:
        verbose_name = _("product zoning")
        verbose_name_plural = _("product zonings")

    def __str__(self):
        return f"{self.product_id} · {self.fingerprint}"


class HospitalZoneDay(models.Model):
    """Each night, how many of a hospital's agreements fell in each zone (the red share over time)."""

    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    agreements = models.PositiveIntegerField(_("agreements zoned"))
    red = models.PositiveIntegerField(_("red"))
    yellow = models.PositiveIntegerField(_("yellow"))
    blue = models.PositiveIntegerField(_("blue"))

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hospital", "day"], name="one_zone_day_per_hospital")]
        ordering = ["day"]

    def __str__(self):
        return f"{self.hospital_id} · {self.day}"

    @property
    def red_share(self):
        return self.red / self.agreements if self.agreements else 0
