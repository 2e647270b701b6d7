"""The national drug code and the catalogue's price functions (DOMAIN.md §2)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from procurement.catalogue.codes import classification_code, enterprise_code, is_drug_code, validate_drug_code
from procurement.catalogue.models import pinyin_initials
from procurement.catalogue.pricing import Content, parse_specification, price_ratio_convert, unit_price
from procurement.core.errors import DomainError
from procurement.core.money import check_price, parse_price, round_money
from tests.factories import ProductFactory

EXAMPLE = "XA01ABD075A002010100483"


class TestDrugCode:
    def test_the_example_of_domain_md_is_valid(self):
        assert is_drug_code(EXAMPLE)
        assert classification_code(EXAMPLE) == "XA01ABD075A0"
        assert enterprise_code(EXAMPLE) == "00483"

    def test_chinese_patent_medicine_codes_start_with_z(self):
        assert is_drug_code("Z" + EXAMPLE[1:])

    @pytest.mark.parametrize(
        "code",
        [
            EXAMPLE[:-1],  # 22 characters
            EXAMPLE + "1",  # 24 characters
            "Y" + EXAMPLE[1:],  # neither western nor Chinese patent
            EXAMPLE.lower(),  # lower case
            EXAMPLE[:5] + "-" + EXAMPLE[6:],  # punctuation
            " " + EXAMPLE[1:],
        ],
    )
    def test_malformed_codes_are_refused_with_the_rule(self, code):
        assert not is_drug_code(code)
        with pytest.raises(ValidationError) as refused:
            validate_drug_code(code)
        assert refused.value.code == "drug_code_format"
        assert "23" in str(refused.value.message)

    @pytest.mark.django_db
    def test_the_database_refuses_a_malformed_code_too(self):
        with pytest.raises(IntegrityError):
            ProductFactory(code="XA01")


class TestUnitPrice:
    def test_pack_price_divided_by_pack_quantity(self):
        assert unit_price(Decimal("12.60"), 7) == Decimal("1.8000")

    def test_rounds_half_up_to_four_places(self):
        assert unit_price(Decimal("10.00"), 3) == Decimal("3.3333")
        assert unit_price(Decimal("0.00015"), 1) == Decimal("0.0002")

    @pytest.mark.django_db
    def test_product_unit_price_uses_its_pack(self):
        product = ProductFactory(pack_quantity=28)
        assert product.unit_price(Decimal("28.00")) == Decimal("1.0000")

    def test_money_never_accepts_floats(self):
        with pytest.raises(TypeError):
            round_money(1.5)


class TestParsePrice:
    @pytest.mark.parametrize("text, expected", [("12.35", "12.35"), (" 1,234.5 ", "1234.5"), ("￥0.0325", "0.0325")])
    def test_accepts_prices_as_users_write_them(self, text, expected):
        assert parse_price(text) == Decimal(expected)

    @pytest.mark.parametrize(
        "text, reason",
        [
            ("abc", "not an amount of yuan"),
            ("0", "greater than zero"),
            ("0.0000", "greater than zero"),
            ("-1", "not an amount of yuan"),  # no sign
            ("1.00001", "at most 4 decimal places"),
            ("1e3", "not an amount of yuan"),  # issue 10 #14: exponent notation
            ("1E-2", "not an amount of yuan"),
            ("NaN", "not an amount of yuan"),
            ("Infinity", "not an amount of yuan"),
            ("-inf", "not an amount of yuan"),
            ("１２.５", "not an amount of yuan"),  # full-width digits
            ("12.", "not an amount of yuan"),
            ("10000000000", "too large"),
        ],
    )
    def test_refuses_with_the_reason(self, text, reason):
        with translation.override("en"), pytest.raises(ValueError, match=reason):
            parse_price(text)

    @pytest.mark.parametrize(
        "value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-1"), Decimal("0"), Decimal("1.00001")]
    )
    def test_a_service_refuses_a_bad_decimal_naming_the_field(self, value):
        """Services validate too, not only the forms and serializers above them (issue 10 #14)."""
        with pytest.raises(DomainError) as error:
            check_price(value, field="price")
        assert error.value.problems[0].field == "price"


class TestSpecification:
    @pytest.mark.parametrize(
        "spec, amount, unit",
        [
            ("20mg", "20", "mg"),
            ("0.5g", "500", "mg"),
            ("2ml:200μg", "0.2", "mg"),
            ("5ml：50mg", "50", "mg"),
            ("150mg/12.5mg", "150", "mg"),
            ("10ml:400单位", "400", "IU"),
            ("80万单位", "800000", "IU"),
        ],
    )
    def test_content_is_normalised(self, spec, amount, unit):
        assert parse_specification(spec) == Content(Decimal(amount), unit)

    def test_no_content_in_a_free_text_specification(self):
        assert parse_specification("10%") is None


@pytest.mark.django_db  # the factor is a policy value in force (a row)
class TestPriceRatio:
    """DOMAIN §2: doubling the content multiplies the price by 1.7 (the default setting)."""

    def test_doubling_multiplies_by_the_factor(self):
        price = price_ratio_convert(
            Decimal("1.0000"), from_content=Content(Decimal(10), "mg"), to_content=Content(Decimal(20), "mg")
        )
        assert price == Decimal("1.7000")

    def test_halving_divides_by_the_factor(self):
        price = price_ratio_convert(
            Decimal("1.7000"), from_content=Content(Decimal(20), "mg"), to_content=Content(Decimal(10), "mg")
        )
        assert price == Decimal("1.0000")

    def test_four_times_the_content_is_the_factor_squared(self):
        price = price_ratio_convert(
            Decimal("1.0000"), from_content=Content(Decimal(5), "mg"), to_content=Content(Decimal(20), "mg")
        )
        assert price == Decimal("2.8900")

    def test_the_factor_is_a_setting(self, set_policy):
        set_policy("PRICE_RATIO_DOUBLING_FACTOR", Decimal("1.5"))
        price = price_ratio_convert(
            Decimal("2"), from_content=Content(Decimal(10), "mg"), to_content=Content(Decimal(20), "mg")
        )
        assert price == Decimal("3.0000")

    def test_contents_of_different_kinds_cannot_be_compared(self):
        with pytest.raises(DomainError) as refused:
            price_ratio_convert(
                Decimal("1"), from_content=Content(Decimal(10), "mg"), to_content=Content(Decimal(10), "IU")
            )
        assert refused.value.problems[0].code == "specifications_not_comparable"


def test_pinyin_initials_search_key():
    assert pinyin_initials("阿托伐他汀钙片") == "atfttgp"
    assert pinyin_initials("阿托伐他汀钙片", "立普妥") == "atfttgp lpt"
