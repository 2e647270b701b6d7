"""Price-linkage notices (价格联动, R-LIST-10)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from listings.choices import (
    ACTIVE_NOTICE_STATUSES,
    NoticeStatus,
)
from listings.models.declarations import MANUFACTURER_OWN, Declaration
from listings.models.lifecycle import Listing
from procurement.core.audit import tracked
from procurement.core.money import PriceField
from procurement.core.references import references_checked
from procurement.core.scoping import ScopedQuerySet
from procurement.organisations.models import Organisation
from procurement.workdays.models import DeadlineFields


@tracked(bulk_inserts=True)  # opened by the thousand by the nightly linkage (R-LIST-10)
class PriceLinkageNotice(DeadlineFields):
    """价格联动通知 (R-LIST-10): a listing is above its national lowest; a compliant price is due.

    One active notice per listing. Its target follows the national lowest night by night; each lower
    price gets its full 20 working days (the deadline moves to the later of the two).
    """

    # Checked once a statement (procurement.core.references): the linkage opens them by the thousand.
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="notices", db_constraint=False
    )
    manufacturer = models.ForeignKey(
        Organisation,
        verbose_name=_("manufacturer"),
        on_delete=models.PROTECT,
        related_name="price_notices",
        db_constraint=False,
    )
    # Not indexed: the active notices are found by the partial unique index below, the due ones by their
    # deadline; an index a notice more (and its varchar_pattern_ops twin) only slowed the nights.
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    listing_price = PriceField(_("listing price"))
    target_price = PriceField(_("national lowest"))
    target_province = models.CharField(_("in province"), max_length=2)
    target_effective_date = models.DateField(_("effective since"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    suspended_at = models.DateTimeField(_("listing suspended"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Declaration,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up from the declaration
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
        triggers = references_checked(
            "listings_pricelinkagenotice",
            {"listing": "listings_listing", "manufacturer": "organisations_organisation"},
        )

    def __str__(self):
        return f"{self.listing} → {self.target_price} by {self.deadline}"
