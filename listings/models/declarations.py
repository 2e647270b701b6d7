"""Declarations (申报) of listing prices and their supporting documents (R-LIST-1 … R-LIST-9)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    OPEN_DECLARATION_STATUSES,
    DeclarationStatus,
    ListingCategory,
)
from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.models import Organisation, User

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
    note = models.TextField(_("note"), blank=True, max_length=REASON_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT, db_index=True
    )
    # What the cap check found at submission.
    cap = PriceField(_("cap"), null=True, blank=True)
    cap_strict = models.BooleanField(_("cap is strict"), default=False, help_text=_("The price must be below the cap."))
    cap_rule = models.CharField(_("rule"), max_length=12, blank=True)
    cap_source = models.TextField(_("where the cap came from"), blank=True, max_length=REASON_MAX_LENGTH)
    cap_figures = models.JSONField(_("figures"), default=dict, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.TextField(_("why flagged"), blank=True, max_length=REASON_MAX_LENGTH)
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
    review_reason = models.TextField(_("review reason"), blank=True, max_length=REASON_MAX_LENGTH)

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
