"""How long free text may be (issue 11 #11): one place for the limits every form, serializer and
model field of free text uses."""

from django.db import models
from django.utils.translation import gettext as _

from procurement.core.errors import DomainError

# A reason given for a decision, a refusal, a cancellation or a return: a paragraph, not a document.
REASON_MAX_LENGTH = 2000
# A note on an order or a purchase.
NOTE_MAX_LENGTH = 200
# A description, an explanation, a panel's minutes: a page or two.
LONG_TEXT_MAX_LENGTH = 20000


def check_text_lengths(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before any row of the platform's own models is saved: text longer than its field's
    ``max_length`` is refused with a DomainError naming the field (a 400, or the form's error, and
    nothing saved) — never PostgreSQL's "value too long" as a 500, and never a reason of two million
    characters stored in a text column (issue 11 #11). Connected for every model by the core's app."""
    if raw or sender._meta.app_label not in _OUR_APPS:
        return
    for field in sender._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, models.CharField | models.TextField):
            continue
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > limit:
            raise DomainError(
                _("%(field)s: at most %(limit)d characters (%(length)d given).")
                % {"field": field.verbose_name, "limit": limit, "length": len(value)},
                code="max_length",
                field=field.name,
            )


_OUR_APPS = frozenset(
    [
        "core",
        "organisations",
        "catalogue",
        "workdays",
        "orders",
        "credit",
        "web",
        "listings",
        "negotiation",
        "vbp",
        "filings",
        "settlement",
        "supervision",
    ]
)
