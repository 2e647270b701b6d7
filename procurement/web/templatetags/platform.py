"""Template filters shared by every page (registered as builtins in settings)."""

import contextlib

from django import template

from procurement.core.money import format_yuan

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def unit_price(pack_price, product):
    """The unit price of ``product`` at ``pack_price`` (DOMAIN §2), through the catalogue's one function."""
    if pack_price is None:
        return ""
    return product.unit_price(pack_price)


@register.filter
def audit_who(event, names=None) -> str:
    """Who made an audited change: the person by name with their username (``names``: username → full
    name, looked up once for the page), else the job or command that acted, by its name (夜间任务：价格联动,
    not ``job:national_price_linkage``)."""
    from procurement.core.jobs import actor_name

    context = event.pgh_context or {}
    username = context.get("username")
    if username:
        name = (names or {}).get(username)
        return f"{name}（{username}）" if name and name != username else username
    return actor_name(context["actor"]) if context.get("actor") else "—"


@register.filter
def audit_why(event) -> str:
    return (event.pgh_context or {}).get("reason", "")


@register.filter
def audit_record(event) -> str:
    """What an audited change was made to: the model's name and the record's own name or code."""
    from django.apps import apps

    try:
        model_name = str(apps.get_model(event.pgh_obj_model)._meta.verbose_name)
    except (LookupError, ValueError):
        model_name = event.pgh_obj_model
    data = event.pgh_data or {}
    label = next(
        (data[key] for key in ("name", "username", "code", "original_name", "date", "year") if data.get(key)), ""
    )
    return f"{model_name} #{event.pgh_obj_id} {label}".strip()


@register.filter
def yuan(value) -> str:
    """A price for people: two decimals, more only when the fen is split (12.35, 0.0325)."""
    return format_yuan(value)


@register.filter
def audit_changes(event, user=None) -> list[tuple[str, object, object]]:
    """The fields an audited change altered, by their labels in the page's language, old and new as the
    pages show them (issue 12): a status by its name, a related record by its name (read through
    ``visible_to`` for the page's ``user``: a record they may not see stays a number), a time in local
    time. Bookkeeping no person edits (the change cursor, update stamps, digests) is left out."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        meta = apps.get_model(event.pgh_obj_model)._meta
    except (LookupError, ValueError):
        meta = None
    changes = []
    for name, (old, new) in (event.pgh_diff or {}).items():
        field = None
        if meta is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = meta.get_field(name.removesuffix("_id"))
        if field is not None and not field.editable:
            continue
        label = str(field.verbose_name) if field is not None else name
        changes.append((label, _shown(field, old, user), _shown(field, new, user)))
    return changes


def _shown(field, value, user=None):
    """A stored value (as the audit trigger serialised it) as the pages show it to ``user``."""
    from django.db import models
    from django.utils import formats, timezone
    from django.utils.dateparse import parse_datetime
    from django.utils.translation import gettext

    if value is None or field is None:
        return value
    if field.flatchoices:
        return next((str(text) for key, text in field.flatchoices if key == value), value)
    if isinstance(field, models.ForeignKey):
        from procurement.core.scoping import visible_to

        related = visible_to(user, field.related_model).filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else value
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, models.DecimalField):
        return formats.number_format(value)
    if isinstance(field, models.JSONField) and isinstance(value, dict | list):
        # Figures a service keeps for its own page (a cap check's limits, a job's counts): the record's
        # page shows them in words; the trail says that they changed, not their raw structure.
        return gettext("see the record") if value else None
    return value


@register.filter
def audit_event(event) -> str:
    """What kind of change: created, changed, deleted — in the page's language (issue 12)."""
    from django.utils.translation import pgettext

    names = {
        "insert": pgettext("audit event", "Created"),
        "update": pgettext("audit event", "Changed"),
        "delete": pgettext("audit event", "Deleted"),
    }
    return names.get(event.pgh_label, event.pgh_label)


@register.filter
def province_name(code: str) -> str:
    from procurement.organisations.choices import PROVINCES

    return PROVINCES.get(code, code)


@register.filter
def for_viewer(text, user) -> str:
    """``text`` with its rule IDs for bureau staff, in plain words for everyone else (issue 12)."""
    from procurement.web.rule_ids import for_viewer as plain_for

    return plain_for(str(text), user) if text else text


class PlainWordsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        from django.utils.safestring import mark_safe

        from procurement.web.rule_ids import plain_words, shows_rule_ids

        content = self.nodelist.render(context)
        request = context.get("request")
        if shows_rule_ids(getattr(request, "user", None) or context.get("user")):
            return content
        # Only the citations go (IDs, their brackets and separators): what was safe stays safe.
        return mark_safe(plain_words(content))  # noqa: S308


@register.tag
def plainwords(parser, token):
    """``{% plainwords %}…{% endplainwords %}``: the block as its reader reads it — rule IDs (R-ORD-3) for
    bureau staff, plain words for hospitals, companies and visitors (procurement.web.rule_ids)."""
    nodelist = parser.parse(("endplainwords",))
    parser.delete_first_token()
    return PlainWordsNode(nodelist)


@register.filter
def reads_rule_ids(user) -> bool:
    """Whether ``user`` reads rules by their IDs (bureau staff): a page's "rule" column is theirs."""
    from procurement.web.rule_ids import shows_rule_ids

    return shows_rule_ids(user)


@register.filter
def get_index(sequence, index):
    """``sequence[index]``, or None past its end."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return None
