"""The national medical-insurance drug code (国家医保药品分类与代码), DOMAIN.md §2."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DRUG_CODE_PATTERN = r"^[XZ][A-Z0-9]{22}$"
_DRUG_CODE_RE = re.compile(DRUG_CODE_PATTERN)


def is_drug_code(value: str) -> bool:
    return bool(_DRUG_CODE_RE.match(value))


def validate_drug_code(value: str) -> None:
    """23 characters: ``X`` (western) or ``Z`` (Chinese patent), then 22 capital letters or digits."""
    if not is_drug_code(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a national drug code: 23 characters, X (western) or Z (Chinese "
                "patent medicine) followed by 22 capital letters or digits, e.g. XA01ABD075A002010100483."
            ),
            code="drug_code_format",
            params={"value": value},
        )


def classification_code(code: str) -> str:
    """The first 12 characters: the classification (分类) part of the code."""
    return code[:12]


def enterprise_code(code: str) -> str:
    """The last 5 characters: the enterprise (企业) part of the code."""
    return code[-5:]
