"""Factories of the shared core: valid identifiers by construction."""

import itertools

import factory

from procurement.catalogue.models import Product
from procurement.organisations.choices import HospitalOwnership, OrganisationKind, RegionLevel, Role
from procurement.organisations.models import (
    HospitalGroup,
    HospitalGroupMembership,
    Organisation,
    Region,
    User,
)
from procurement.organisations.validators import credit_code_check_char

_credit_counter = itertools.count(1)
_code_counter = itertools.count(1)


def credit_code() -> str:
    body = f"91640000{next(_credit_counter):09d}"
    return body + credit_code_check_char(body)


def drug_code(letter: str = "X") -> str:
    """A valid 23-character national drug code: class (12), specification and pack (6), enterprise (5)."""
    number = next(_code_counter)
    return f"{letter}C10AA{number:06d}001001{number % 100000:05d}"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "640000"
    name = "宁夏回族自治区"
    level = RegionLevel.PROVINCE
    parent = None


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.MANUFACTURER
    name = factory.Sequence(lambda n: f"测试机构{n}")
    credit_code = factory.LazyFunction(credit_code)
    region = factory.SubFactory(RegionFactory)


class HospitalFactory(OrganisationFactory):
    kind = OrganisationKind.HOSPITAL
    name = factory.Sequence(lambda n: f"测试医院{n}")
    ownership = HospitalOwnership.PUBLIC
    hospital_level = 2


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.LazyFunction(lambda: [Role.ORG_ADMIN])
    password = factory.PostGenerationMethodCall("set_password", "Secret-pass-2026")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.LazyFunction(drug_code)
    generic_name = "阿托伐他汀钙片"
    dosage_form = "片剂"
    specification = "20mg"
    pack_quantity = 7
    minimum_unit = "片"
    manufacturer = factory.SubFactory(OrganisationFactory)
    holder = factory.SelfAttribute("manufacturer")
    approval_number = "国药准字H20051234"
    payment_standard = None


class HospitalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HospitalGroup

    name = factory.Sequence(lambda n: f"医联体{n}")
    kind = "alliance"
    lead = factory.SubFactory(HospitalFactory)


def add_member(group: HospitalGroup, hospital: Organisation) -> None:
    HospitalGroupMembership.objects.create(group=group, hospital=hospital)
