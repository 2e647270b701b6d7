"""The product catalogue and the national price feed (DOMAIN.md §2)."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from procurement.catalogue.choices import ControlledCategory, ImportStatus, MedicineType
from procurement.catalogue.codes import DRUG_CODE_PATTERN, validate_drug_code
from procurement.catalogue.pricing import Content, parse_specification, unit_price
from procurement.core.audit import tracked
from procurement.core.money import PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.choices import PROVINCE_CHOICES, PROVINCES, OrganisationKind
from procurement.organisations.models import Organisation, User

# 批准文号: 国药准字H20051234 (domestic), 国药准字HJ20170001 (imported, packed here), or the
# registration number of an imported drug (H20130001, HC20150001).
APPROVAL_NUMBER_PATTERN = r"^(国药准字)?[HZSJBF][JC]?\d{8}$"


def pinyin_initials(*names: str) -> str:
    """Search key of pinyin initials: 阿托伐他汀钙片 → ``atfttgp`` (several names joined by spaces)."""
    return " ".join(
        "".join(
            syllable[0] for syllable in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if syllable
        ).lower()
        for name in names
        if name
    )


# DOMAIN §3 R-LIST-3 / R-LIST-7: the products whose price is set nationally (a national negotiated
# drug's payment standard, a designated-production drug's uniform price, a reserve drug's supply
# price). No provincial price follows another province below it (R-LIST-10) and no hospital
# negotiates it (R-NEG-1). One definition, in Python and SQL.
PRICE_FIXED_NATIONALLY = ("is_national_negotiated", "is_designated_production", "is_provincial_reserve")


def price_fixed_nationally_sql(product: str) -> str:
    """SQL: whether the product row ``product`` (an alias of catalogue_product) has a nationally fixed price."""
    return "(" + " OR ".join(f"{product}.{flag}" for flag in PRICE_FIXED_NATIONALLY) + ")"


@tracked(exclude=["search_text"])
class Product(models.Model):
    """品规: one product (generic name × form × specification × pack × manufacturer).

    Identified by its 23-character national medical-insurance drug code. The catalogue is public:
    the listed products and their prices are published (信息公开).
    """

    code = models.CharField(
        _("national drug code"),
        max_length=23,
        unique=True,
        validators=[validate_drug_code],
        help_text=_("国家医保药品分类与代码, e.g. XA01ABD075A002010100483"),
    )
    generic_name = models.CharField(_("generic name"), max_length=100, db_index=True)
    trade_name = models.CharField(_("trade name"), max_length=100, blank=True)
    dosage_form = models.CharField(_("dosage form"), max_length=30)
    specification = models.CharField(_("specification"), max_length=60)
    route = models.CharField(_("route"), max_length=20, blank=True, help_text=_("e.g. 口服, 注射"))
    pack_quantity = models.PositiveIntegerField(_("pack quantity"), validators=[MinValueValidator(1)])
    minimum_unit = models.CharField(_("minimum unit"), max_length=10, help_text=_("e.g. 片, 粒, 支"))
    pack_unit = models.CharField(_("pack unit"), max_length=10, default="盒", help_text=_("e.g. 盒, 瓶"))
    manufacturer = models.ForeignKey(
        Organisation,
        verbose_name=_("manufacturer"),
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"kind": OrganisationKind.MANUFACTURER},
    )
    holder = models.ForeignKey(
        Organisation,
        verbose_name=_("marketing-authorisation holder"),
        on_delete=models.PROTECT,
        related_name="held_products",
        limit_choices_to={"kind": OrganisationKind.MANUFACTURER},
    )
    approval_number = models.CharField(
        _("approval number"),
        max_length=30,
        validators=[RegexValidator(APPROVAL_NUMBER_PATTERN)],
        help_text=_("批准文号, e.g. 国药准字H20051234"),
    )
    # Attributes that decide listing categories, negotiation and VBP eligibility.
    is_originator = models.BooleanField(_("originator"), default=False)
    is_reference = models.BooleanField(_("reference preparation"), default=False)
    is_consistency_evaluated = models.BooleanField(
        _("consistency-evaluated generic"), default=False, help_text=_("通过或视同通过一致性评价")
    )
    is_national_negotiated = models.BooleanField(_("national negotiated drug"), default=False)
    payment_standard = PriceField(
        _("national payment standard"),
        null=True,
        blank=True,
        help_text=_("Per pack, for national negotiated drugs (R-LIST-3)."),
    )
    agreement_valid_from = models.DateField(_("negotiation agreement from"), null=True, blank=True)
    agreement_valid_until = models.DateField(_("negotiation agreement until"), null=True, blank=True)
    is_innovative = models.BooleanField(_("innovative drug"), default=False)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    is_designated_production = models.BooleanField(_("national designated production"), default=False)
    is_provincial_reserve = models.BooleanField(_("provincial reserve"), default=False)
    designated_price = PriceField(
        _("uniform or supply price"),
        null=True,
        blank=True,
        help_text=_(
            "Per pack: the national uniform price of a designated-production drug, or the supply price "
            "agreed with the health commission for a reserve drug (R-LIST-7)."
        ),
    )
    is_shortage = models.BooleanField(_("shortage drug"), default=False)
    controlled_category = models.CharField(
        _("special category"),
        max_length=20,
        choices=ControlledCategory.choices,
        blank=True,
        default=ControlledCategory.NONE,
    )
    search_initials = models.CharField(max_length=200, editable=False)
    # What a search word is looked for in (product_search): the product's own names, form, strength,
    # codes and pinyin initials, lower-cased, kept by the database; a trigram index finds any part of it.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "code",
                Value(" "),
                "generic_name",
                Value(" "),
                "trade_name",
                Value(" "),
                "dosage_form",
                Value(" "),
                "specification",
                Value(" "),
                "approval_number",
                Value(" "),
                "search_initials",
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_rule = ScopeRule(public=True, manufacturer="manufacturer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["generic_name", "dosage_form", "specification", "code"]
        # The trigram index on search_text is made by migration 0005 where PostgreSQL has pg_trgm (a
        # contrib extension the embedded demo database lacks): searches are the same without it, slower.
        indexes = [models.Index(fields=["generic_name", "dosage_form"], name="product_generic_form")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=DRUG_CODE_PATTERN), name="product_code_format"),
            models.CheckConstraint(condition=Q(pack_quantity__gt=0), name="product_pack_quantity_positive"),
            models.CheckConstraint(
                condition=Q(payment_standard__isnull=True) | Q(payment_standard__gt=0),
                name="product_payment_standard_positive",
            ),
            models.CheckConstraint(
                condition=Q(agreement_valid_from__isnull=True)
                | Q(agreement_valid_until__isnull=True)
                | Q(agreement_valid_until__gte=models.F("agreement_valid_from")),
                name="product_agreement_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.generic_name} {self.specification}×{self.pack_quantity}{self.minimum_unit}/{self.pack_unit}"

    def save(self, *args, **kwargs):
        self.refresh_search_initials()
        super().save(*args, **kwargs)

    @property
    def price_fixed_nationally(self) -> bool:
        return any(getattr(self, flag) for flag in PRICE_FIXED_NATIONALLY)

    def refresh_search_initials(self) -> None:
        """The derived pinyin key; call before ``bulk_create``, which bypasses ``save()``."""
        self.search_initials = pinyin_initials(self.generic_name, self.trade_name)

    @property
    def medicine_type(self) -> str:
        return MedicineType(self.code[0]).label

    @property
    def pack_description(self) -> str:
        """e.g. ``20mg×7片/盒``."""
        return f"{self.specification}×{self.pack_quantity}{self.minimum_unit}/{self.pack_unit}"

    @property
    def content(self) -> Content | None:
        return parse_specification(self.specification)

    def unit_price(self, pack_price: Decimal) -> Decimal:
        """DOMAIN §2: the price of one minimum unit at ``pack_price`` for this product's pack."""
        return unit_price(pack_price, self.pack_quantity)

    def negotiation_agreement_valid_on(self, day) -> bool:
        """Whether the national negotiation agreement covers ``day`` (R-LIST-3)."""
        if not self.is_national_negotiated or self.agreement_valid_from is None:
            return False
        return self.agreement_valid_from <= day and (
            self.agreement_valid_until is None or day <= self.agreement_valid_until
        )


@tracked()
class NationalPriceImport(models.Model):
    """One load of the national price feed (全国各省级现执行挂网价格) from a file.

    The batch is the audit record of the feed: who loaded which file (kept, with its SHA-256),
    when, which provinces' price lists it replaced and how many prices they held before, or every
    row it refused.
    Individual feed rows are not tracked row by row: 1.8 million trigger-written events per load
    would cost more than the load, and the kept file reproduces every row.
    """

    file = models.FileField(_("file"), upload_to="feed/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    uploaded_by = models.ForeignKey(User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    provinces = ArrayField(
        models.CharField(max_length=2, choices=PROVINCE_CHOICES),
        verbose_name=_("provinces"),
        default=list,
        blank=True,
        help_text=_("The provinces whose price lists this file replaced."),
    )
    rows_replaced = models.PositiveIntegerField(_("prices replaced"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    message = models.TextField(_("message"), blank=True)

    scope_rule = ScopeRule()  # the provincial bureau (and platform administrators)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("national price import")
        verbose_name_plural = _("national price imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def province_names(self) -> list[str]:
        return [PROVINCES.get(code, code) for code in self.provinces]


class NationalPriceImportError(models.Model):
    """One problem with one cell of a refused feed file: row, column, value and reason."""

    batch = models.ForeignKey(NationalPriceImport, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=50)
    value = models.CharField(_("value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    scope_rule = ScopeRule()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["batch", "row", "id"]

    def __str__(self):
        return f"row {self.row}, {self.column}: {self.reason}"


class NationalPrice(models.Model):
    """The current listing price of one product code in one province, with the date it took effect.

    Keyed by (code, province): a later file replaces the whole price list of each province it
    contains (``procurement.catalogue.feed``). Not a foreign key to
    ``Product``: the feed covers the whole country's codes, most of which this province does not list.
    """

    pk = models.CompositePrimaryKey("product_code", "province")
    product_code = models.CharField(_("national drug code"), max_length=23)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCE_CHOICES)
    price = PriceField(_("listing price"))
    effective_date = models.DateField(_("effective date"))
    batch = models.ForeignKey(
        NationalPriceImport,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("national price")
        verbose_name_plural = _("national prices")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="national_price_positive"),
        ]

    def __str__(self):
        return f"{self.product_code} {self.get_province_display()} {self.price}"
