"""Validators for organisation identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码), 18 characters with a check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=False)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code with a wrong length, alphabet or check character."""
    if len(value) != 18 or any(char not in CREDIT_CODE_CHARS for char in value):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (not I, O, S, V, Z)."),
            code="credit_code_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."), code="credit_code_check"
        )


class CharacterClassesValidator:
    """A password mixes at least ``classes`` of: capital letters, small letters, digits, other signs
    (the usual rule of China's graded protection of information systems for login passwords)."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        found = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(found) < self.classes:
            raise ValidationError(
                _("The password must mix at least %(classes)d of: capital letters, small letters, digits, other signs.")
                % {"classes": self.classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("At least %(classes)d of: capital letters, small letters, digits, other signs.") % {
            "classes": self.classes
        }
