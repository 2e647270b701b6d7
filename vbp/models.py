"""Volume-based procurement (集中带量采购), DOMAIN.md §6.

A ``Round`` (集采批次) is either national — imported with its results (R-VBP-1) — or provincial,
run on the platform with sealed bids (R-VBP-7 … R-VBP-9). Its ``CompetitionUnit``s (竞价单元: a
generic name and route) are what companies bid for and win. Hospitals report their demand per unit
(``DemandReport``), the bureau sets each one's base, the province's agreed volume is split into
``Allocation``s the hospitals confirm (R-VBP-2, R-VBP-3), and a ``Contract`` binds each hospital to
each winner (R-VBP-4). Completion is recomputed from accepted batches (``ContractProgress``: R-VBP-5),
never counted up.

Sealing (R-VBP-9): a ``Bid`` holds its price only as authenticated ciphertext under a key that is
not in the database (``vbp.sealing``); the opening writes the prices in the clear into
``BidResult`` rows — public from then on — and nowhere before.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.limits import REASON_MAX_LENGTH
from procurement.core.money import PriceField, round_money
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.choices import PROVINCE_CHOICES, OrganisationKind
from procurement.organisations.models import Organisation, User
from procurement.workdays.models import DeadlineFields
from vbp.choices import BidOutcome, RoundKind, RoundStatus


@tracked()
class Round(models.Model):
    """集采批次: one national batch of results or one provincial round, with its agreement period."""

    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices)
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT, db_index=True
    )
    # R-VBP-8: bids are taken until the deadline and read at the opening time (provincial rounds).
    bid_deadline = models.DateTimeField(_("bids until"), null=True, blank=True)
    opening_at = models.DateTimeField(_("opening time"), null=True, blank=True)
    # R-VBP-4: the agreement (purchase) period, 1 to 3 years.
    valid_from = models.DateField(_("agreement from"))
    valid_until = models.DateField(_("agreement until"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    # Rounds are public (信息公开): selectors show the public rounds that are no longer drafts.
    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("VBP round")
        verbose_name_plural = _("VBP rounds")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="vbp_round_period_ordered"),
            models.CheckConstraint(
                condition=Q(kind=RoundKind.NATIONAL)
                | (Q(bid_deadline__isnull=False, opening_at__isnull=False) & Q(opening_at__gte=F("bid_deadline"))),
                name="vbp_round_opens_after_deadline",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_provincial(self) -> bool:
        return self.kind == RoundKind.PROVINCIAL


@tracked()
class CompetitionUnit(models.Model):
    """竞价单元 (R-VBP-7): a generic name and route; specifications merge by the price-ratio rule to the
    reference specification, in which unit prices (per minimum unit) are compared.

    The winner-rule values are copied from the policy values when the unit is defined (the bureau may
    change them until bidding opens), so that a round is evaluated by the rules it was announced with.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="units", verbose_name=_("round"))
    generic_name = models.CharField(_("generic name"), max_length=100)
    route = models.CharField(_("route"), max_length=20, blank=True, help_text=_("e.g. 口服, 注射"))
    reference_specification = models.CharField(
        _("reference specification"),
        max_length=60,
        blank=True,
        help_text=_("Unit prices of other specifications are converted to it by the price-ratio rule."),
    )
    max_unit_price = PriceField(
        _("maximum valid unit price"),
        null=True,
        blank=True,
        help_text=_("Per minimum unit of the reference specification (R-VBP-8)."),
    )
    win_ratio = models.DecimalField(_("within this many times the lowest"), max_digits=6, decimal_places=3, default=1.8)
    win_discount = models.DecimalField(
        _("or at least this far below the maximum"), max_digits=4, decimal_places=3, default=0.5
    )
    winner_caps = models.JSONField(_("winners by number of valid bidders"), default=dict)
    winners_count = models.PositiveSmallIntegerField(_("winners"), null=True, blank=True)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition unit")
        verbose_name_plural = _("competition units")
        ordering = ["round", "generic_name", "route", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "generic_name", "route"], name="vbp_unit_once_per_round"),
            models.CheckConstraint(
                condition=Q(max_unit_price__isnull=True) | Q(max_unit_price__gt=0), name="vbp_unit_max_positive"
            ),
        ]

    def __str__(self):
        return f"{self.generic_name}{f'（{self.route}）' if self.route else ''}"


@tracked()
class NationalResultImport(models.Model):
    """One import of national VBP results from a workbook (R-VBP-1): the file kept, with its SHA-256."""

    round = models.OneToOneField(
        Round, on_delete=models.PROTECT, related_name="national_import", verbose_name=_("procurement round")
    )
    file = models.FileField(_("file"), upload_to="vbp/national/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_rule = ScopeRule()  # the provincial bureau
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("national result import")
        verbose_name_plural = _("national result imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name


@tracked()
class Bid(models.Model):
    """报价 (R-VBP-8, R-VBP-9): a manufacturer's sealed bid for one unit, with one of its products.

    ``sealed`` is the pack price under authenticated encryption (AES-GCM, ``vbp.sealing``), bound to
    this unit, company and product; the key is not in the database. Nobody — the provincial bureau
    included — reads a bid before the opening: the bureau is not given bids at all (``provincial_bureau=False``),
    the company sees its own receipt, not a price. Replacing a bid before the deadline overwrites it.
    """

    unit = models.ForeignKey(CompetitionUnit, on_delete=models.PROTECT, related_name="bids", verbose_name=_("unit"))
    manufacturer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="vbp_bids",
        verbose_name=_("manufacturer"),
        limit_choices_to={"kind": OrganisationKind.MANUFACTURER},
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    sealed = models.BinaryField(_("sealed price"), editable=False)
    receipt = models.CharField(_("receipt"), max_length=64, help_text=_("SHA-256 of the sealed bid."))
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"))
    replacements = models.PositiveSmallIntegerField(_("times replaced"), default=0)

    scope_rule = ScopeRule(manufacturer="manufacturer", provincial_bureau=False)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed bid")
        verbose_name_plural = _("sealed bids")
        ordering = ["unit", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "manufacturer"], name="vbp_bid_once_per_company")]

    def __str__(self):
        return f"{self.unit} · {self.manufacturer}"


class BidResult(models.Model):
    """开标结果: a bid as the opening read it — the price in the clear, its validity and outcome (R-VBP-8).
    Written only by the opening; public from then on (R-VBP-9)."""

    unit = models.ForeignKey(CompetitionUnit, on_delete=models.CASCADE, related_name="results")
    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="result")
    manufacturer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    price = PriceField(_("bid price (per pack)"))
    unit_price = PriceField(_("unit price at the reference specification"))
    submitted_at = models.DateTimeField(_("submitted"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=BidOutcome.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    explanation = models.CharField(_("why"), max_length=300, blank=True)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bid result")
        verbose_name_plural = _("bid results")
        ordering = ["unit", "rank", "unit_price", "submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0) & Q(unit_price__gt=0), name="vbp_result_price_positive")
        ]

    def __str__(self):
        return f"{self.unit} · {self.manufacturer} · {self.get_outcome_display()}"


@tracked()
class Winner(models.Model):
    """中选产品: a winning product of a unit at its winning price (per pack), listed at it (R-VBP-1) and
    the payment standard (R-VBP-10). National winners name the provinces they supply."""

    unit = models.ForeignKey(
        CompetitionUnit, on_delete=models.CASCADE, related_name="winners", verbose_name=_("competition unit")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="vbp_wins", verbose_name=_("product"))
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vbp_wins", verbose_name=_("manufacturer")
    )
    price = PriceField(_("winning price (per pack)"))
    unit_price = PriceField(_("unit price"))
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = the lowest price."))
    supply_regions = ArrayField(
        models.CharField(max_length=2, choices=PROVINCE_CHOICES), verbose_name=_("supply provinces"), default=list
    )
    supplies_home = models.BooleanField(_("supplies this province"), default=True)
    # The round's agreement period, kept on the row: the price resolver reads it for every order line.
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("winning product")
        verbose_name_plural = _("winning products")
        ordering = ["unit", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "product"], name="vbp_winner_once_per_unit"),
            models.CheckConstraint(condition=Q(price__gt=0), name="vbp_winner_price_positive"),
        ]
        indexes = [models.Index(fields=["product", "valid_from", "valid_until"], name="vbp_winner_in_force")]

    def __str__(self):
        return f"{self.unit} · {self.product}"


@tracked()
class DemandReport(models.Model):
    """报量 (R-VBP-2): a hospital's demand for a unit in minimum units, beside last year's actual use
    (from its accepted batches, when it reported); the bureau sets the base after checking both."""

    unit = models.ForeignKey(
        CompetitionUnit, on_delete=models.CASCADE, related_name="demands", verbose_name=_("competition unit")
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vbp_demands", verbose_name=_("hospital")
    )
    reported_units = models.PositiveBigIntegerField(_("reported demand (minimum units)"))
    last_year_units = models.PositiveBigIntegerField(_("last year's use (minimum units)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported"), auto_now=True)
    base_units = models.PositiveBigIntegerField(_("base (minimum units)"), null=True, blank=True)
    base_reason = models.CharField(_("why this base"), max_length=REASON_MAX_LENGTH, blank=True)
    base_set_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("base set by")
    )

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand report")
        verbose_name_plural = _("demand reports")
        ordering = ["unit", "hospital__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "hospital"], name="vbp_demand_once")]

    def __str__(self):
        return f"{self.unit} · {self.hospital}"

    @property
    def gap(self) -> int:
        """Reported minus last year's use (positive: more than was used)."""
        return self.reported_units - self.last_year_units


@tracked()
class Allocation(DeadlineFields):
    """分量 (R-VBP-2, R-VBP-3): a hospital's share of the province's agreed volume of a unit, which it
    confirms before its deadline (working days)."""

    unit = models.ForeignKey(
        CompetitionUnit, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("competition unit")
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vbp_allocations", verbose_name=_("hospital")
    )
    base_units = models.PositiveBigIntegerField(_("base (minimum units)"))
    agreed_units = models.PositiveBigIntegerField(_("agreed volume (minimum units)"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by")
    )

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volume allocation")
        verbose_name_plural = _("volume allocations")
        ordering = ["unit", "hospital__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "hospital"], name="vbp_allocation_once")]

    def __str__(self):
        return f"{self.unit} · {self.hospital}"


@tracked()
class Contract(models.Model):
    """带量采购合同 (R-VBP-4): one hospital, one winner, its price, the agreed annual volume in minimum
    units, for the round's period."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("allocation")
    )
    unit = models.ForeignKey(
        CompetitionUnit, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("competition unit")
    )
    winner = models.ForeignKey(
        Winner, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("winning product")
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vbp_contracts", verbose_name=_("hospital")
    )
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vbp_contracts_won", verbose_name=_("manufacturer")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    price = PriceField(_("contract price (per pack)"))
    volume_units = models.PositiveBigIntegerField(_("agreed annual volume (minimum units)"))
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    scope_rule = ScopeRule(hospital="hospital", manufacturer="manufacturer", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("VBP contract")
        verbose_name_plural = _("VBP contracts")
        ordering = ["unit", "hospital__name", "winner__rank"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "winner"], name="vbp_contract_once"),
            models.CheckConstraint(condition=Q(price__gt=0), name="vbp_contract_price_positive"),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="vbp_contract_period_ordered"),
        ]
        indexes = [
            models.Index(fields=["hospital", "product", "valid_from", "valid_until"], name="vbp_contract_in_force")
        ]

    def __str__(self):
        return f"{self.hospital} · {self.product}"

    @property
    def amount(self):
        """The contract's annual amount in yuan: its volume in minimum units at the contract price per pack
        (``vbp.contract_source`` computes the same in SQL)."""
        return round_money(self.volume_units * self.price / self.product.pack_quantity)


class ContractProgress(models.Model):
    """R-VBP-5: a contract's completion in its current contract year, recomputed from the accepted
    batches (accepted minus returned packs × pack quantity) — by the nightly job, and for one contract
    when a batch of its product is accepted or returned. Never a counter."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, primary_key=True, related_name="progress")
    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year_start = models.DateField(_("contract year from"))
    year_end = models.DateField(_("contract year until"))
    bought_units = models.BigIntegerField(_("bought (minimum units)"), default=0)
    expected_units = models.BigIntegerField(_("expected by now (minimum units)"), default=0)
    behind = models.BooleanField(_("behind pace"), default=False)
    computed_on = models.DateField(_("as of"))

    scope_rule = ScopeRule(hospital="hospital", manufacturer="contract__manufacturer", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract completion")
        verbose_name_plural = _("contract completion")

    def __str__(self):
        return f"{self.contract} · {self.bought_units}/{self.expected_units}"

    @property
    def share(self):
        """Completion of the contract year's agreed volume (0–1+), for pages."""
        volume = self.contract.volume_units
        return self.bought_units / volume if volume else None


@tracked()
class SupplyReport(models.Model):
    """产能库存报告 (R-VBP-11): a winner's monthly capacity and stock, in minimum units, from its company."""

    winner = models.ForeignKey(
        Winner, on_delete=models.CASCADE, related_name="supply_reports", verbose_name=_("winning product")
    )
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("manufacturer")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    capacity_units = models.PositiveBigIntegerField(_("monthly capacity (minimum units)"))
    stock_units = models.PositiveBigIntegerField(_("stock (minimum units)"))
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported"), auto_now=True)

    scope_rule = ScopeRule(manufacturer="manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("capacity and stock report")
        verbose_name_plural = _("capacity and stock reports")
        ordering = ["-month", "winner"]
        constraints = [
            models.UniqueConstraint(fields=["winner", "month"], name="vbp_supply_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="vbp_supply_month_first_day"),
        ]

    def __str__(self):
        return f"{self.winner} · {self.month:%Y-%m}"


def _warning_of_hospital(organisation):
    return Exists(Contract.objects.filter(winner=OuterRef("winner"), hospital=organisation))


def _warning_in_region(region):
    return Exists(Contract.objects.filter(winner=OuterRef("winner"), hospital__region__path__startswith=region.path))


class ShortageWarning(models.Model):
    """短缺预警 (R-VBP-11): a winner's reported stock under VBP_STOCK_DAYS days of its contracts' demand —
    raised by the nightly job, once per winner and month reported, for the bureau and the hospitals with a
    contract for it."""

    winner = models.ForeignKey(Winner, on_delete=models.CASCADE, related_name="shortage_warnings")
    manufacturer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    stock_units = models.BigIntegerField(_("stock (minimum units)"))
    daily_demand = models.DecimalField(_("daily demand (minimum units)"), max_digits=18, decimal_places=2)
    days_covered = models.DecimalField(_("days covered"), max_digits=10, decimal_places=1)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)

    scope_rule = ScopeRule(manufacturer="manufacturer", hospital=_warning_of_hospital, region=_warning_in_region)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shortage warning")
        verbose_name_plural = _("shortage warnings")
        ordering = ["-month", "days_covered"]
        constraints = [models.UniqueConstraint(fields=["winner", "month"], name="vbp_shortage_once_a_month")]

    def __str__(self):
        return f"{self.winner} · {self.month:%Y-%m} · {self.days_covered}"
