"""Sunshine listing (阳光挂网), DOMAIN.md §3: declarations, listings, price-linkage notices,
withdrawals, annual adjustment rounds, and the expert negotiation of new drugs."""

import pgtrigger
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    ACTIVE_NOTICE_STATUSES,
    OPEN_DECLARATION_STATUSES,
    AdjustmentRoundStatus,
    DeclarationStatus,
    ListingCategory,
    ListingStatus,
    NegotiationParty,
    NoticeStatus,
    ProposalStatus,
    RequestStatus,
    SuspensionCause,
    WithdrawalReason,
)
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.changes import change_stamp_trigger, change_xid_field
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Expert, Organisation, User
from procurement.workdays.models import DeadlineFields

MANUFACTURER_OWN = ScopeRule(manufacturer="manufacturer")


@tracked()
class Declaration(models.Model):
    """申报: a manufacturer's declared price for one of its products, in one category.

    Checked against its category's cap when it is submitted (R-LIST-9); the cap, where it came from
    and the figures are kept with it, so a reviewer sees exactly what the platform checked.
    """

    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="declarations"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="declarations"
    )
    category = models.CharField(_("category"), max_length=30, choices=ListingCategory.choices)
    price = PriceField(_("declared price"), help_text=_("Per pack, in yuan."))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT, db_index=True
    )
    # What the cap check found at submission.
    cap = PriceField(_("cap"), null=True, blank=True)
    cap_strict = models.BooleanField(_("cap is strict"), default=False, help_text=_("The price must be below the cap."))
    cap_rule = models.CharField(_("rule"), max_length=12, blank=True)
    cap_source = models.TextField(_("where the cap came from"), blank=True)
    cap_figures = models.JSONField(_("figures"), default=dict, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.TextField(_("why flagged"), blank=True)
    # R-LIST-10: a declaration made to answer a price-linkage notice.
    notice = models.ForeignKey(
        "PriceLinkageNotice",
        verbose_name=_("price-linkage notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
    )
    created_by = models.ForeignKey(User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        User, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("price declaration")
        verbose_name_plural = _("price declarations")
        ordering = ["-created_at"]
        constraints = [
            # One declaration in progress per product: a second would race the first through review.
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status__in=OPEN_DECLARATION_STATUSES),
                name="declaration_one_open_per_product",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="declaration_price_positive"),
        ]

    def __str__(self):
        return f"{self.product} · {self.price}"

    @property
    def rule(self) -> str:
        return ListingCategory(self.category).rule


class DeclarationDocument(models.Model):
    """A supporting document of a declaration (approval certificate, price proof, …)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="declarations/%Y/%m/")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="declaration__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.title


@tracked()
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
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.LISTED, db_index=True
    )
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
        triggers = [change_stamp_trigger()]

    def __str__(self):
        return f"{self.product} · {self.price}"

    @property
    def unit_price(self):
        return self.product.unit_price(self.price)


class ListingTransition(models.Model):
    """One change of a listing's status or price: who (or which job), when, why (DOMAIN §3)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=ListingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ListingStatus.choices)
    price_before = PriceField(_("price before"), null=True, blank=True)
    price_after = PriceField(_("price after"), null=True, blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by (job)"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    scope_rule = ScopeRule(public=True, manufacturer="listing__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing transition")
        verbose_name_plural = _("listing transitions")
        ordering = ["-created_at", "-id"]
        # A record of what happened: like the audit trail, never edited or deleted.
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.listing_id}: {self.from_status} → {self.to_status}"

    @property
    def who(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label


@tracked()
class PriceLinkageNotice(DeadlineFields):
    """价格联动通知 (R-LIST-10): a listing is above its national lowest; a compliant price is due.

    One active notice per listing. Its target follows the national lowest night by night; each lower
    price gets its full 20 working days (the deadline moves to the later of the two).
    """

    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="notices")
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="price_notices"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN, db_index=True
    )
    listing_price = PriceField(_("listing price"))
    target_price = PriceField(_("national lowest"))
    target_province = models.CharField(_("in province"), max_length=2)
    target_effective_date = models.DateField(_("effective since"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    suspended_at = models.DateTimeField(_("listing suspended"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Declaration, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("price-linkage notice")
        verbose_name_plural = _("price-linkage notices")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status__in=ACTIVE_NOTICE_STATUSES), name="notice_one_active_per_listing"
            ),
        ]

    def __str__(self):
        return f"{self.listing} → {self.target_price} by {self.deadline}"


@tracked()
class WithdrawalRequest(models.Model):
    """撤网申请 (R-LIST-13): the manufacturer asks to take a product off; the bureau decides."""

    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="withdrawals"
    )
    manufacturer = models.ForeignKey(
        Organisation, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=30, choices=WithdrawalReason.choices)
    explanation = models.TextField(_("explanation"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("withdrawal request")
        verbose_name_plural = _("withdrawal requests")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status="submitted"), name="withdrawal_one_pending_per_listing"
            ),
        ]

    def __str__(self):
        return f"{self.listing} · {self.get_reason_display()}"


@tracked()
class AdjustmentRound(models.Model):
    """年度挂网价格调整 (R-LIST-11): once a year every listing gets a proposed price."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentRoundStatus.choices, default=AdjustmentRoundStatus.OPEN
    )
    answer_by = models.DateField(_("manufacturers answer by"))
    effective_date = models.DateField(_("new prices effective"))
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    scope_rule = ScopeRule(
        manufacturer=lambda organisation: Exists(
            AdjustmentProposal.objects.filter(round=OuterRef("pk"), manufacturer=organisation)
        )
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual adjustment round")
        verbose_name_plural = _("annual adjustment rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_date__gt=models.F("answer_by")), name="adjustment_effective_after_answers"
            ),
        ]

    def __str__(self):
        return str(self.year)


@tracked()
class AdjustmentProposal(models.Model):
    """One listing's proposed price in an adjustment round, with the figures it was chosen from."""

    round = models.ForeignKey(AdjustmentRound, on_delete=models.CASCADE, related_name="proposals")
    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="+")
    manufacturer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    current_price = PriceField(_("current price"))
    national_lowest = PriceField(_("national lowest"), null=True, blank=True)
    lowest_purchase_price = PriceField(_("lowest purchase price (12 months)"), null=True, blank=True)
    proposed_price = PriceField(_("proposed price"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    appeal_price = PriceField(_("price asked for"), null=True, blank=True)
    appeal_reason = models.TextField(_("reason of the appeal"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    final_price = PriceField(_("confirmed price"), null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True)

    scope_rule = MANUFACTURER_OWN
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("adjustment proposal")
        verbose_name_plural = _("adjustment proposals")
        ordering = ["listing__product__generic_name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "listing"], name="proposal_once_per_round")]

    def __str__(self):
        return f"{self.round.year} · {self.listing} → {self.proposed_price}"


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
    drawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn"), auto_now_add=True)
    agreed_price = PriceField(_("agreed price"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    scope_rule = ScopeRule(manufacturer="declaration__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self):
        return f"{self.declaration}"


class NegotiationRound(models.Model):
    """One offer in the negotiation between a panel and the manufacturer."""

    panel = models.ForeignKey(ExpertPanel, on_delete=models.CASCADE, related_name="rounds")
    party = models.CharField(_("party"), max_length=15, choices=NegotiationParty.choices)
    price = PriceField(_("price offered"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="panel__declaration__manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.get_party_display()} {self.price}"
