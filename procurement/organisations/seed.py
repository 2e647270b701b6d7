"""Demo seeder of the organisations: 宁夏回族自治区 with its cities and counties; bureaus at three
levels; about 60 medical institutions of every ownership and level; manufacturers and distributors;
hospital groups; an expert pool; one login per role and a HIS key."""

from procurement.core.demo import organisations, regions
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.organisations import services
from procurement.organisations.choices import ExpertSpeciality, HospitalGroupKind, OrganisationKind, RegionLevel, Role
from procurement.organisations.models import (
    Expert,
    HospitalGroup,
    HospitalGroupMembership,
    Organisation,
    Region,
    User,
)
from procurement.organisations.validators import CREDIT_CODE_CHARS, credit_code_check_char

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed for the demo; never a production account
PROVINCIAL_BUREAU = f"{regions.PROVINCE[1]}医疗保障局"

# username, full name, organisation name, roles, superuser
DEMO_USERS = [
    ("admin", "平台管理员", PROVINCIAL_BUREAU, [Role.ORG_ADMIN], True),
    ("bureau.reviewer", "马晓东（省医保局审核员）", PROVINCIAL_BUREAU, [Role.BUREAU_REVIEWER], False),
    (
        "bureau.supervisor",
        "李文静（省医保局监管员）",
        PROVINCIAL_BUREAU,
        [Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN],
        False,
    ),
    ("city.bureau", "王建国（银川市医保局）", "银川市医疗保障局", [Role.BUREAU_SUPERVISOR], False),
    ("county.bureau", "张丽（永宁县医保局）", "永宁县医疗保障局", [Role.BUREAU_SUPERVISOR], False),
    ("hospital.admin", "刘强（医院信息科）", "宁夏医科大学总医院", [Role.ORG_ADMIN], False),
    ("hospital.buyer", "陈红（医院采购员）", "宁夏医科大学总医院", [Role.HOSPITAL_BUYER], False),
    ("hospital.keeper", "赵磊（药库验收员）", "宁夏医科大学总医院", [Role.HOSPITAL_STOREKEEPER], False),
    ("hospital.finance", "孙梅（医院财务）", "宁夏医科大学总医院", [Role.HOSPITAL_FINANCE], False),
    ("county.hospital.buyer", "周杰（县医院采购员）", "永宁县人民医院", [Role.HOSPITAL_BUYER, Role.ORG_ADMIN], False),
    ("maker.clerk", "吴芳（企业申报员）", "北京嘉林药业股份有限公司", [Role.MANUFACTURER_CLERK], False),
    ("maker.admin", "郑伟（企业管理员）", "北京嘉林药业股份有限公司", [Role.ORG_ADMIN, Role.MANUFACTURER_CLERK], False),
    ("distributor.clerk", "黄涛（配送企业）", "国药控股宁夏有限公司", [Role.DISTRIBUTOR_CLERK], False),
]

GROUPS = [
    (
        "银川市第一人民医院医联体",
        HospitalGroupKind.MEDICAL_ALLIANCE,
        "银川市第一人民医院",
        [
            "银川市第一人民医院",
            "兴庆区胜利街社区卫生服务中心",
            "金凤区长城中路街道社区卫生服务中心",
            "西夏区文昌路街道社区卫生服务中心",
        ],
    ),
    (
        "永宁县县域医共体",
        HospitalGroupKind.MEDICAL_ALLIANCE,
        "永宁县人民医院",
        ["永宁县人民医院", "永宁县望远镇卫生院", "永宁县杨和镇卫生院"],
    ),
    (
        "固原中卫县级医院采购组团",
        HospitalGroupKind.PURCHASING_TEAM,
        "固原市人民医院",
        ["固原市人民医院", "西吉县人民医院", "隆德县人民医院", "中卫市人民医院", "海原县人民医院"],
    ),
]


def is_seeded() -> bool:
    return Organisation.objects.filter(name=PROVINCIAL_BUREAU).exists()


@demo_seeder("organisations")
def seed_organisations(context: SeedContext) -> None:
    """Regions, bureaus, medical institutions, companies, hospital groups, experts, logins, a HIS key."""
    rng = context.random

    def credit_code(prefix: str, region_code: str) -> str:
        body = prefix + region_code + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(9))
        return body + credit_code_check_char(body)

    province = Region.objects.create(code=regions.PROVINCE[0], name=regions.PROVINCE[1], level=RegionLevel.PROVINCE)
    region_by_code = {province.code: province}
    for (city_code, city_name), counties in regions.CITIES.items():
        city = Region.objects.create(code=city_code, name=city_name, level=RegionLevel.CITY, parent=province)
        region_by_code[city_code] = city
        for county_code, county_name in counties:
            region_by_code[county_code] = Region.objects.create(
                code=county_code, name=county_name, level=RegionLevel.COUNTY, parent=city
            )

    def organisation(name, kind, region_code, prefix, **extra):
        return Organisation.objects.create(
            name=name,
            kind=kind,
            region=region_by_code[region_code],
            credit_code=credit_code(prefix, region_code),
            **extra,
        )

    organisation(PROVINCIAL_BUREAU, OrganisationKind.BUREAU, province.code, "11")
    for (city_code, city_name), _counties in regions.CITIES.items():
        organisation(f"{city_name}医疗保障局", OrganisationKind.BUREAU, city_code, "11")
    for county_code in organisations.BUREAU_COUNTIES:
        organisation(f"{region_by_code[county_code].name}医疗保障局", OrganisationKind.BUREAU, county_code, "11")
    hospitals = {}
    for name, region_code, ownership, level in organisations.HOSPITALS:
        prefix = {"public": "12", "military": "12", "private": "52", "pharmacy": "92"}[ownership]
        hospitals[name] = organisation(
            name, OrganisationKind.HOSPITAL, region_code, prefix, ownership=ownership, hospital_level=level
        )
    manufacturers = {
        name: organisation(name, OrganisationKind.MANUFACTURER, region_code, "91")
        for name, region_code in organisations.MANUFACTURERS
    }
    for name, region_code in organisations.DISTRIBUTORS:
        organisation(name, OrganisationKind.DISTRIBUTOR, region_code, "91")
    for name, kind, lead, members in GROUPS:
        group = HospitalGroup.objects.create(name=name, kind=kind, lead=hospitals[lead])
        HospitalGroupMembership.objects.bulk_create(
            HospitalGroupMembership(group=group, hospital=hospitals[member]) for member in members
        )
    for name, speciality, employer, title in organisations.EXPERTS:
        expert = Expert.objects.create(
            name=name,
            speciality=ExpertSpeciality(speciality),
            employer=employer,
            title=title,
            phone=f"139{rng.randint(10_000_000, 99_999_999)}",
        )
        if employer in manufacturers:
            expert.ties.add(manufacturers[employer])
    for username, full_name, organisation_name, roles, superuser in DEMO_USERS:
        user = User(
            username=username,
            full_name=full_name,
            organisation=Organisation.objects.get(name=organisation_name),
            roles=list(roles),
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    _token, context.notes["his_key"] = services.api_token_create(
        actor=User.objects.get(username="hospital.admin"), hospital=hospitals["宁夏医科大学总医院"], name="演示 HIS"
    )


def print_logins(context: SeedContext) -> None:
    context.write("")
    context.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, _full_name, organisation_name, roles, superuser in DEMO_USERS:
        role = "platform administrator" if superuser else ", ".join(str(Role(r).label) for r in roles)
        context.write(f"  {username:<24} {organisation_name} · {role}")
    key = context.notes.get("his_key")
    if key:
        context.write(f"HIS API key of 宁夏医科大学总医院 (shown once): {key}")
    else:
        context.write("HIS API keys: log in as hospital.admin and issue one under “HIS API keys”.")
