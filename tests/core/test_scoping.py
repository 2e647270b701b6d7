"""DOMAIN.md §1 and R-SUP-2: every role sees only what is theirs, through one scoping function.

The expectations are written out by hand, role by role, rather than derived from the rule.
"""

import pytest

from procurement.catalogue.models import NationalPriceImport
from procurement.core.scoping import visible_to
from procurement.organisations import services
from procurement.organisations.models import ApiToken, Expert, HospitalGroup, Organisation, User
from tests.factories import HospitalGroupFactory, ProductFactory, add_member

pytestmark = pytest.mark.django_db

EVERY_ROLE = [
    "platform_admin",
    "provincial_reviewer",
    "provincial_supervisor",
    "city_bureau",
    "county_bureau",
    "hospital_admin",
    "hospital_buyer",
    "city_hospital_admin",
    "other_hospital_admin",
    "manufacturer_clerk",
    "other_manufacturer_clerk",
    "distributor_clerk",
]


def names(queryset, attribute="username"):
    return sorted(getattr(row, attribute) for row in queryset)


@pytest.fixture
def tokens(world):
    made = {}
    for admin, hospital in [
        ("hospital_admin", world.hospital),
        ("city_hospital_admin", world.city_hospital),
        ("other_hospital_admin", world.other_hospital),
    ]:
        made[admin], _key = services.api_token_create(actor=world.user(admin), hospital=hospital, name=f"{admin} HIS")
    return made


@pytest.fixture
def groups(world):
    yinchuan_group = HospitalGroupFactory(name="银川医联体", lead=world.city_hospital)
    add_member(yinchuan_group, world.city_hospital)
    add_member(yinchuan_group, world.hospital)
    pingluo_group = HospitalGroupFactory(name="平罗组团", lead=world.other_hospital)
    add_member(pingluo_group, world.other_hospital)
    return yinchuan_group, pingluo_group


def test_users_are_scoped_by_organisation_and_region(world):
    people = sorted(world.users)
    expected = {
        "platform_admin": people,
        "provincial_reviewer": people,
        "provincial_supervisor": people,
        # 银川市: its own bureau, 永宁县's bureau and hospital, the 金凤区 hospital, the distributor in 银川.
        "city_bureau": [
            "city_bureau",
            "city_hospital_admin",
            "county_bureau",
            "distributor_clerk",
            "hospital_admin",
            "hospital_buyer",
        ],
        "county_bureau": ["county_bureau", "hospital_admin", "hospital_buyer"],
        "hospital_admin": ["hospital_admin", "hospital_buyer"],
        "hospital_buyer": ["hospital_admin", "hospital_buyer"],
        "city_hospital_admin": ["city_hospital_admin"],
        "other_hospital_admin": ["other_hospital_admin"],
        "manufacturer_clerk": ["manufacturer_clerk"],
        "other_manufacturer_clerk": ["other_manufacturer_clerk"],
        "distributor_clerk": ["distributor_clerk"],
    }
    assert sorted(expected) == sorted(EVERY_ROLE)
    for role, visible in expected.items():
        assert names(visible_to(world.user(role), User)) == sorted(visible), role


def test_his_api_keys_are_scoped_to_the_hospital_and_its_bureaus(world, tokens):
    expected = {
        "platform_admin": ["city_hospital_admin HIS", "hospital_admin HIS", "other_hospital_admin HIS"],
        "provincial_reviewer": ["city_hospital_admin HIS", "hospital_admin HIS", "other_hospital_admin HIS"],
        "provincial_supervisor": ["city_hospital_admin HIS", "hospital_admin HIS", "other_hospital_admin HIS"],
        "city_bureau": ["city_hospital_admin HIS", "hospital_admin HIS"],
        "county_bureau": ["hospital_admin HIS"],
        "hospital_admin": ["hospital_admin HIS"],
        "hospital_buyer": ["hospital_admin HIS"],
        "city_hospital_admin": ["city_hospital_admin HIS"],
        "other_hospital_admin": ["other_hospital_admin HIS"],
        "manufacturer_clerk": [],
        "other_manufacturer_clerk": [],
        "distributor_clerk": [],
    }
    for role, visible in expected.items():
        assert names(visible_to(world.user(role), ApiToken), "name") == visible, role


def test_hospital_groups_are_shared_with_members_and_the_bureaus_of_any_member(world, groups):
    expected = {
        "platform_admin": ["平罗组团", "银川医联体"],
        "provincial_reviewer": ["平罗组团", "银川医联体"],
        "provincial_supervisor": ["平罗组团", "银川医联体"],
        "city_bureau": ["银川医联体"],
        "county_bureau": ["银川医联体"],  # 永宁县人民医院 is a member
        "hospital_admin": ["银川医联体"],
        "hospital_buyer": ["银川医联体"],
        "city_hospital_admin": ["银川医联体"],
        "other_hospital_admin": ["平罗组团"],
        "manufacturer_clerk": [],
        "other_manufacturer_clerk": [],
        "distributor_clerk": [],
    }
    for role, visible in expected.items():
        assert names(visible_to(world.user(role), HospitalGroup), "name") == visible, role


def test_feed_imports_and_experts_are_for_the_provincial_bureau_only(world):
    NationalPriceImport.objects.create(
        original_name="feed.csv", sha256="0" * 64, uploaded_by=world.user("platform_admin")
    )
    Expert.objects.create(name="张建华", speciality="insurance", employer="医保局")
    provincial = {"platform_admin", "provincial_reviewer", "provincial_supervisor"}
    for role in EVERY_ROLE:
        expected = 1 if role in provincial else 0
        assert visible_to(world.user(role), NationalPriceImport).count() == expected, role
        assert visible_to(world.user(role), Expert).count() == expected, role


def test_the_catalogue_is_public_but_only_its_manufacturer_may_change_a_product(world):
    product = ProductFactory(manufacturer=world.manufacturer)
    assert list(visible_to(None, type(product))) == [product]
    for role in EVERY_ROLE:
        assert visible_to(world.user(role), type(product)).count() == 1, role
    writers = {role for role in EVERY_ROLE if visible_to(world.user(role), type(product), for_write=True).exists()}
    assert writers == {"platform_admin", "provincial_reviewer", "provincial_supervisor", "manufacturer_clerk"}


def test_an_organisation_may_change_only_itself_and_a_bureau_its_region(world):
    def writable(role):
        return names(visible_to(world.user(role), Organisation, for_write=True), "name")

    assert writable("hospital_admin") == ["永宁县人民医院"]
    assert writable("manufacturer_clerk") == ["北京嘉林药业股份有限公司"]
    assert writable("county_bureau") == ["永宁县人民医院", "永宁县医疗保障局"]
    assert len(writable("provincial_reviewer")) == Organisation.objects.count()


def test_inactive_users_and_organisations_see_nothing(world):
    user = world.user("hospital_admin")
    user.organisation.is_active = False
    user.organisation.save()
    assert not visible_to(user, User).exists()


def test_anonymous_visitors_see_only_public_models(world, tokens):
    assert not visible_to(None, ApiToken).exists()
    assert not visible_to(None, User).exists()
    # organisations' data is not public (issue 11 #1); their directory of names is (organisations.selectors)
    assert not visible_to(None, Organisation).exists()
