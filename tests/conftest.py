"""Fixtures: a small province with an organisation and a user of every kind and role."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from procurement.organisations.choices import HospitalOwnership, OrganisationKind, RegionLevel, Role
from procurement.organisations.models import Organisation, Region, User
from procurement.workdays.models import CalendarYear
from procurement.workdays.services import calendar_year_seed_from_library
from tests.factories import HospitalFactory, OrganisationFactory, UserFactory


@dataclass
class World:
    """宁夏 → 银川市 (永宁县, 金凤区) and 石嘴山市 (平罗县), with one party of every kind."""

    province: Region
    yinchuan: Region
    yongning: Region
    jinfeng: Region
    shizuishan: Region
    pingluo: Region
    provincial_bureau: Organisation
    city_bureau: Organisation
    county_bureau: Organisation
    hospital: Organisation  # in 永宁县
    city_hospital: Organisation  # in 金凤区, 银川市 but not 永宁县
    other_hospital: Organisation  # in 平罗县, 石嘴山市
    manufacturer: Organisation
    other_manufacturer: Organisation
    distributor: Organisation
    users: dict[str, User]

    def user(self, name: str) -> User:
        return self.users[name]


def _region(code, name, level, parent=None):
    return Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


@pytest.fixture
def statutory_calendar(db):
    """The calendar years the migrations seed from chinese-calendar.

    A transactional test (browser, Celery worker) ends with a flush that empties every table, the
    seeded calendar included; this puts it back for the tests that run after one on the same worker.
    """
    if not CalendarYear.objects.filter(year=2026).exists():
        for year in range(2018, 2027):
            calendar_year_seed_from_library(year)


@pytest.fixture
def world(db, statutory_calendar) -> World:
    province = _region("640000", "宁夏回族自治区", RegionLevel.PROVINCE)
    yinchuan = _region("640100", "银川市", RegionLevel.CITY, province)
    yongning = _region("640121", "永宁县", RegionLevel.COUNTY, yinchuan)
    jinfeng = _region("640106", "金凤区", RegionLevel.COUNTY, yinchuan)
    shizuishan = _region("640200", "石嘴山市", RegionLevel.CITY, province)
    pingluo = _region("640221", "平罗县", RegionLevel.COUNTY, shizuishan)
    bureau = OrganisationFactory.create
    provincial_bureau = bureau(kind=OrganisationKind.BUREAU, name="宁夏回族自治区医疗保障局", region=province)
    city_bureau = bureau(kind=OrganisationKind.BUREAU, name="银川市医疗保障局", region=yinchuan)
    county_bureau = bureau(kind=OrganisationKind.BUREAU, name="永宁县医疗保障局", region=yongning)
    hospital = HospitalFactory(name="永宁县人民医院", region=yongning)
    city_hospital = HospitalFactory(name="宁夏回族自治区人民医院", region=jinfeng, hospital_level=3)
    other_hospital = HospitalFactory(name="平罗县人民医院", region=pingluo, ownership=HospitalOwnership.PUBLIC)
    manufacturer = OrganisationFactory(name="北京嘉林药业股份有限公司", region=province)
    other_manufacturer = OrganisationFactory(name="辉瑞制药有限公司", region=province)
    distributor = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="国药控股宁夏有限公司", region=yinchuan)
    specs = {
        "platform_admin": (provincial_bureau, [Role.ORG_ADMIN], True),
        "provincial_reviewer": (provincial_bureau, [Role.BUREAU_REVIEWER], False),
        "provincial_supervisor": (provincial_bureau, [Role.BUREAU_SUPERVISOR], False),
        "city_bureau": (city_bureau, [Role.BUREAU_SUPERVISOR], False),
        "county_bureau": (county_bureau, [Role.BUREAU_SUPERVISOR], False),
        "hospital_admin": (hospital, [Role.ORG_ADMIN], False),
        "hospital_buyer": (hospital, [Role.HOSPITAL_BUYER], False),
        "city_hospital_admin": (city_hospital, [Role.ORG_ADMIN], False),
        "other_hospital_admin": (other_hospital, [Role.ORG_ADMIN], False),
        "manufacturer_clerk": (manufacturer, [Role.MANUFACTURER_CLERK], False),
        "other_manufacturer_clerk": (other_manufacturer, [Role.MANUFACTURER_CLERK], False),
        "distributor_clerk": (distributor, [Role.DISTRIBUTOR_CLERK], False),
    }
    users = {
        name: UserFactory(
            username=name, organisation=organisation, roles=roles, is_superuser=superuser, is_staff=superuser
        )
        for name, (organisation, roles, superuser) in specs.items()
    }
    return World(
        province,
        yinchuan,
        yongning,
        jinfeng,
        shizuishan,
        pingluo,
        provincial_bureau,
        city_bureau,
        county_bureau,
        hospital,
        city_hospital,
        other_hospital,
        manufacturer,
        other_manufacturer,
        distributor,
        users,
    )


@pytest.fixture
def set_policy(db):
    """``set_policy(name, value)``: put a policy value in force, as the administrator would."""
    from procurement.core.models import PolicyValue
    from procurement.core.policy import definition_of

    def put(name: str, value):
        definition = definition_of(name)
        PolicyValue.objects.update_or_create(name=name, defaults={"value": definition.to_json(definition.parse(value))})

    return put


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)``: an API client logged in (session) as ``user``."""

    def login(user: User) -> APIClient:
        api_client.force_authenticate(user=None)
        api_client.force_login(user)
        return api_client

    return login


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
