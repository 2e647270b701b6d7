"""Kinds of organisation, hospital attributes and user roles (DOMAIN.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class OrganisationKind(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    DISTRIBUTOR = "distributor", _("Distributor")
    HOSPITAL = "hospital", _("Medical institution")
    BUREAU = "bureau", _("Medical insurance bureau")


class HospitalOwnership(models.TextChoices):
    PUBLIC = "public", _("Public")
    MILITARY = "military", _("Military")
    PRIVATE = "private", _("Private")
    PHARMACY = "pharmacy", _("Designated retail pharmacy")


class HospitalLevel(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")


class HospitalGroupKind(models.TextChoices):
    MEDICAL_ALLIANCE = "alliance", _("Medical alliance")
    PURCHASING_TEAM = "team", _("Purchasing team")
    JOINT_ORDER = "joint", _("Joint order")


class ExpertSpeciality(models.TextChoices):
    MEDICAL_INSURANCE = "insurance", _("Medical insurance")
    CLINICAL = "clinical", _("Clinical medicine")
    PHARMACY = "pharmacy", _("Pharmacy")
    MANAGEMENT = "management", _("Management")


class Role(models.TextChoices):
    """What a user may do inside their organisation. The organisation's kind decides what they see."""

    ORG_ADMIN = "org_admin", _("Organisation administrator")
    MANUFACTURER_CLERK = "manufacturer_clerk", _("Manufacturer clerk")
    DISTRIBUTOR_CLERK = "distributor_clerk", _("Distributor clerk")
    HOSPITAL_BUYER = "hospital_buyer", _("Hospital buyer")
    HOSPITAL_STOREKEEPER = "hospital_storekeeper", _("Hospital storekeeper")
    HOSPITAL_FINANCE = "hospital_finance", _("Hospital finance officer")
    HIS_CLIENT = "his_client", _("HIS client (machine)")
    BUREAU_REVIEWER = "bureau_reviewer", _("Bureau reviewer")
    BUREAU_SUPERVISOR = "bureau_supervisor", _("Bureau supervisor")


# Which roles an organisation of each kind may give its users.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.MANUFACTURER: frozenset({Role.ORG_ADMIN, Role.MANUFACTURER_CLERK}),
    OrganisationKind.DISTRIBUTOR: frozenset({Role.ORG_ADMIN, Role.DISTRIBUTOR_CLERK}),
    OrganisationKind.HOSPITAL: frozenset(
        {Role.ORG_ADMIN, Role.HOSPITAL_BUYER, Role.HOSPITAL_STOREKEEPER, Role.HOSPITAL_FINANCE, Role.HIS_CLIENT}
    ),
    OrganisationKind.BUREAU: frozenset({Role.ORG_ADMIN, Role.BUREAU_REVIEWER, Role.BUREAU_SUPERVISOR}),
}


def roles_not_allowed(kind: str, roles: list[str]) -> list[str]:
    """The roles in ``roles`` an organisation of ``kind`` cannot give (a clerk role in a hospital, say)."""
    allowed = ROLES_BY_KIND.get(kind, frozenset())
    return [role for role in roles if role not in allowed]


# GB/T 2260 province codes: the provinces of the national price feed (DOMAIN.md §2).
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}

# Short names as feed files write them (北京, 内蒙古, 新疆 …).
PROVINCE_SHORT_NAMES: dict[str, str] = {
    code: name.removesuffix("维吾尔自治区")
    .removesuffix("壮族自治区")
    .removesuffix("回族自治区")
    .removesuffix("自治区")
    .removesuffix("省")
    .removesuffix("市")
    for code, name in PROVINCES.items()
}

PROVINCE_CHOICES = list(PROVINCES.items())
