"""The search pages' quick <select> writes what Django's template-rendered one writes (bench/search.py
made it: hundreds of manufacturers through the form templates took 60 ms of each page)."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from listings.filters import PublicListingFilter
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.filters import ALL
from procurement.web.widgets import QuickSelect
from tests.factories import OrganisationFactory

CHOICES = [
    ("", "---------"),
    (1, "北京<嘉林>&药业"),
    ("2", "辉瑞"),
    (3, 'x"y'),
    (None, "none"),
    (4, mark_safe("<b>b</b>")),
]


@pytest.mark.parametrize("value", [None, "", "1", 2, ["2"], "9", "3"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_m", "aria-describedby": "h", "required": True, "hidden": False}])
def test_quick_select_writes_what_select_writes(value, attrs):
    expected = forms.Select(choices=CHOICES).render("manufacturer", value, attrs)
    assert QuickSelect(choices=CHOICES).render("manufacturer", value, attrs) == expected


def test_choices_in_groups_go_through_the_templates():
    grouped = [("", "---------"), ("华北", [(1, "北京"), (2, "天津")])]
    assert QuickSelect(choices=grouped).render("m", "2") == forms.Select(choices=grouped).render("m", "2")


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, "maker"])
def test_the_manufacturer_filter_offers_every_manufacturer_by_name_as_before(world, chosen, django_assert_num_queries):
    OrganisationFactory(name="江苏恒瑞医药股份有限公司 <&>", region=world.province)
    maker = Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER).order_by("pk").last()
    data = {"manufacturer": str(maker.pk)} if chosen else {}
    form = PublicListingFilter(data or None).form
    assert form.is_valid() or not data  # validated first: the chosen maker read once
    django_field = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER), empty_label=ALL
    )
    expected = django_field.widget.render("manufacturer", maker.pk if chosen else None, {"id": "id_manufacturer"})
    with django_assert_num_queries(1):  # the names, in one query
        html = form["manufacturer"].as_widget()
    assert html == expected
