import pytest
from django.core.exceptions import ValidationError

from procurement.organisations.validators import credit_code_check_char, validate_credit_code


def test_the_worked_example_of_gb_32100_2015():
    # The standard's example: 91350100M000100Y4 has check character 3 (weighted sum 1640, mod 31 = 28).
    assert credit_code_check_char("91350100M000100Y4") == "3"
    validate_credit_code("91350100M000100Y43")


@pytest.mark.parametrize(
    "code, error",
    [
        ("91350100M000100Y44", "credit_code_check"),
        ("91350100M000100Y4", "credit_code_format"),
        ("91350100M000100I43", "credit_code_format"),
    ],
)
def test_wrong_codes_are_refused(code, error):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(code)
    assert refused.value.code == error
