"""Regions, organisations, hospital groups, experts, users and HIS tokens (DOMAIN.md §1)."""

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.core.audit import tracked
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.organisations.choices import (
    ExpertSpeciality,
    HospitalGroupKind,
    HospitalLevel,
    HospitalOwnership,
    OrganisationKind,
    RegionLevel,
    Role,
)
from procurement.organisations.validators import validate_credit_code


@tracked()
class Region(models.Model):
    """行政区划: a province, city or county, by its GB/T 2260 code.

    ``path`` lists the codes from the province down (``640000/640100/640121/``) so that "inside
    this region" is one indexed prefix comparison, whatever the depth.
    """

    code = models.CharField(_("code"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=64, unique=True, editable=False)

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=RegionLevel.PROVINCE) & Q(parent__isnull=False)),
                name="region_only_province_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)


def _itself(organisation):
    return Q(pk=organisation.pk)


@tracked()
class Organisation(models.Model):
    """Any party on the platform: a manufacturer, distributor, medical institution or bureau.

    One table for every kind keeps foreign keys simple (an order names a hospital and a
    distributor, a listing a manufacturer); kind-specific columns are constrained to their kind.
    The directory of participants is public information, so the scope rule makes it readable by all.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    ownership = models.CharField(
        _("ownership"),
        max_length=10,
        choices=HospitalOwnership.choices,
        blank=True,
        help_text=_("Medical institutions only."),
    )
    hospital_level = models.PositiveSmallIntegerField(
        _("hospital level"),
        choices=HospitalLevel.choices,
        null=True,
        blank=True,
        help_text=_("Medical institutions other than pharmacies."),
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # A party's data is its own, and its region's bureaus'; the public directory of names is
    # ``organisations.selectors.directory``, never this rule.
    scope_rule = ScopeRule(manufacturer=_itself, distributor=_itself, hospital=_itself, region="region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=OrganisationKind.HOSPITAL)
                    & ~Q(ownership="")
                    & (Q(ownership=HospitalOwnership.PHARMACY) | Q(hospital_level__isnull=False))
                )
                | (~Q(kind=OrganisationKind.HOSPITAL) & Q(ownership="", hospital_level__isnull=True)),
                name="organisation_hospital_fields_only_for_hospitals",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_provincial_bureau(self) -> bool:
        return self.kind == OrganisationKind.BUREAU and self.region.level == RegionLevel.PROVINCE


def _member_of_group(organisation):
    return Exists(HospitalGroupMembership.objects.filter(group=OuterRef("pk"), hospital=organisation))


@tracked()
class HospitalGroup(models.Model):
    """医联体 / 组团 / 拼单: hospitals that negotiate together; results bind every member (R-NEG-3)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=HospitalGroupKind.choices)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead hospital"),
        on_delete=models.PROTECT,
        related_name="led_groups",
        limit_choices_to={"kind": OrganisationKind.HOSPITAL},
    )
    members = models.ManyToManyField(
        Organisation,
        through="HospitalGroupMembership",
        related_name="hospital_groups",
        verbose_name=_("members"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_rule = ScopeRule(
        hospital=lambda organisation: _member_of_group(organisation),
        region=lambda region: Exists(
            HospitalGroupMembership.objects.filter(group=OuterRef("pk"), hospital__region__path__startswith=region.path)
        ),
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hospital group")
        verbose_name_plural = _("hospital groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


@tracked()
class HospitalGroupMembership(models.Model):
    group = models.ForeignKey(
        HospitalGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("hospital group")
    )
    hospital = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="group_memberships",
        limit_choices_to={"kind": OrganisationKind.HOSPITAL},
        verbose_name=_("medical institution"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    scope_rule = ScopeRule(
        hospital=lambda organisation: Exists(
            HospitalGroupMembership.objects.filter(group=OuterRef("group"), hospital=organisation)
        ),
        region="hospital__region",
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "hospital"], name="group_member_once")]

    def __str__(self):
        return f"{self.group} · {self.hospital}"


@tracked()
class Expert(models.Model):
    """评审专家: a member of the expert pool, drawn at random for review panels (R-LIST-6).

    ``ties`` lists the companies the expert has worked for or with: an expert is never drawn for
    a panel that reviews one of them.
    """

    name = models.CharField(_("name"), max_length=50)
    speciality = models.CharField(_("speciality"), max_length=20, choices=ExpertSpeciality.choices)
    employer = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    ties = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="tied_experts",
        verbose_name=_("ties to companies"),
        limit_choices_to={"kind__in": [OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR]},
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule()  # the provincial bureau only
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["speciality", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_speciality_display()}）"


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


@tracked(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person (or, with the HIS-client role, a machine) acting for one organisation.

    Platform administrators are superusers. Everyone else belongs to exactly one organisation,
    whose kind decides what they see; their roles decide what they may do there.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    roles = ArrayField(
        models.CharField(max_length=30, choices=Role.choices), verbose_name=_("roles"), default=list, blank=True
    )

    scope_rule = ScopeRule(
        manufacturer="organisation",
        distributor="organisation",
        hospital="organisation",
        region="organisation__region",
    )
    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(organisation__isnull=False),
                name="user_belongs_to_an_organisation",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def kind(self) -> str | None:
        """The kind of the user's organisation, or None for a platform administrator."""
        return self.organisation.kind if self.organisation_id else None

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_provincial_bureau(self) -> bool:
        return self.organisation_id is not None and self.organisation.is_provincial_bureau


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@tracked(exclude=["digest", "last_used_at"])
class ApiToken(models.Model):
    """An API key for a hospital information system (HIS), bound to one hospital (R-ORD-5).

    Only the SHA-256 digest of the key is stored; the key is shown once, when it is created. The
    key carries 256 bits of randomness, so an unsalted digest is safe to look up by. ``user`` is
    the machine account in whose name the HIS acts, so that the audit trail names it.
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses this key, e.g. “门诊 HIS”."))
    hospital = models.ForeignKey(
        Organisation,
        verbose_name=_("hospital"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"kind": OrganisationKind.HOSPITAL},
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("user"))
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, verbose_name=_("key digest"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("revoked by")
    )

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("HIS API key")
        verbose_name_plural = _("HIS API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
