"""Policy values (DOMAIN.md "our choice") live in the database: the platform administrator changes them
in the back office with a reason; the change applies at once and is in the audit trail (issue 9)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from procurement.catalogue.pricing import Content, price_ratio_convert
from procurement.core.models import PolicyValue
from procurement.core.policy import (
    DECIMAL,
    MAPPING,
    Policy,
    policy,
    register_policy,
    registered_policies,
    unregister_policy,
)

pytestmark = pytest.mark.django_db


def doubled(price: str) -> Decimal:
    return price_ratio_convert(
        Decimal(price), from_content=Content(Decimal(10), "mg"), to_content=Content(Decimal(20), "mg")
    )


def change_url(name: str) -> str:
    return reverse("admin:core_policyvalue_change", args=[name])


def test_a_value_changed_in_the_back_office_applies_at_once_and_is_in_the_audit_trail(world, client):
    # given: the first default in force (DOMAIN §2: doubling the content multiplies the price by 1.7)
    assert doubled("2.00") == Decimal("3.4000")
    admin = world.user("platform_admin")
    client.force_login(admin)
    # when: the administrator changes it, saying why
    response = client.post(
        change_url("PRICE_RATIO_DOUBLING_FACTOR"), {"new_value": "1.5", "reason": "省医保局2027年文件"}
    )
    # then: the next computation uses it, with no restart
    assert response.status_code == 302, response.content.decode()[:2000]
    assert doubled("2.00") == Decimal("3.0000")
    event = PolicyValue.pgh_event_model.objects.filter(pgh_obj="PRICE_RATIO_DOUBLING_FACTOR").order_by("pgh_id").last()
    assert event.value == "1.5"
    assert (event.pgh_context["username"], event.pgh_context["reason"]) == (admin.username, "省医保局2027年文件")
    # and bureau staff read the value in force, who changed it and when
    client.force_login(world.user("city_bureau"))
    page = client.get(reverse("policies")).content.decode()
    assert 'data-testid="policy-PRICE_RATIO_DOUBLING_FACTOR"><strong>1.5</strong>' in page and admin.full_name in page


@pytest.mark.parametrize(
    "value, reason, error",
    [("abc", "x", "new_value"), ("2.5", "x", "new_value"), ("0.9", "x", "new_value"), ("1.6", "", "reason")],
)
def test_a_bad_value_or_no_reason_is_refused_and_changes_nothing(world, client, value, reason, error):
    client.force_login(world.user("platform_admin"))
    response = client.post(change_url("PRICE_RATIO_DOUBLING_FACTOR"), {"new_value": value, "reason": reason})
    assert response.status_code == 200 and error in response.context["adminform"].form.errors
    assert policy("PRICE_RATIO_DOUBLING_FACTOR") == Decimal("1.7")


def test_only_the_platform_administrator_changes_them_and_only_bureau_staff_read_them(world, client):
    client.force_login(world.user("provincial_supervisor"))
    assert client.post(change_url("NEGOTIATION_MAX_ROUNDS"), {"new_value": "9", "reason": "x"}).status_code in (
        302,
        403,
    )
    assert policy("NEGOTIATION_MAX_ROUNDS") == 3
    assert client.get(reverse("policies")).status_code == 200
    client.force_login(world.user("hospital_buyer"))
    assert client.get(reverse("policies")).status_code == 403


def test_every_value_names_its_rule_and_says_what_it_means():
    for definition in registered_policies():
        assert definition.rule.startswith(("R-", "DOMAIN")), definition.name
        with translation.override("en"):
            english = str(definition.description)
        with translation.override("zh-hans"):
            chinese = str(definition.description)
        assert len(english.split()) >= 5 and chinese != english, definition.name  # said, in both languages
        assert PolicyValue.objects.filter(name=definition.name).exists(), "migrate writes the first defaults"


def test_the_environment_gives_only_the_first_default():
    try:
        definition = register_policy(
            "TEST_ONLY_SHARE",
            rule="R-TEST",
            description="x",
            kind=DECIMAL,
            default="0.3",
            environ={"POLICY_TEST_ONLY_SHARE": "0.4"},
        )
        assert definition.default == Decimal("0.4")
        with pytest.raises(ValidationError):  # a deployment with a bad value does not start
            register_policy(
                "TEST_ONLY_BAD",
                rule="R-TEST",
                description="x",
                kind=DECIMAL,
                default="1",
                environ={"POLICY_TEST_ONLY_BAD": "lots"},
            )
    finally:
        unregister_policy("TEST_ONLY_SHARE")
        unregister_policy("TEST_ONLY_BAD")


def test_the_expert_panel_is_a_mapping_of_specialities(set_policy):
    """R-LIST-6: the panel's composition, once a constant in code, is a policy value."""
    set_policy("EXPERT_PANEL_SIZES", '{"clinical": 3, "pharmacy": 1}')
    assert policy("EXPERT_PANEL_SIZES") == {"insurance": 0, "clinical": 3, "pharmacy": 1, "management": 0}
    panel = Policy("P", "R-LIST-6", "x", MAPPING, {}, keys=("clinical",))
    for bad in ('{"astrology": 1}', '{"clinical": -1}', "[1]", '{"clinical": 1.5}'):
        with pytest.raises(ValidationError):
            panel.parse(bad)
