"""Policy values: what DOMAIN.md marks "our choice", as an administrator sets them.

Each app declares the values its rules use in its ``policies.py`` with ``register_policy`` — the
name, the rule ID, what it means, its kind and limits, and its first default (which the environment
may give as ``POLICY_<NAME>``, for a deployment's first start). The value in force is a
``PolicyValue`` row the platform administrator edits in the back office (``policy_set``, with a
reason); it takes effect at once, in every process (it is read from the database each time, never
cached), and each change is in the audit trail. Bureau staff read the values in force on a page of
their own. ``policy(name)`` is how code reads one.
"""

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import DomainError, PermissionDenied

DECIMAL, INTEGER, TEXT, MAPPING = "decimal", "integer", "text", "mapping"


@dataclass(frozen=True)
class Policy:
    """One policy value: what it is, the rule that uses it, and what it may be."""

    name: str
    rule: str
    description: str
    kind: str
    default: Any
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # a mapping's allowed keys (its values are whole numbers ≥ 0)
    key_labels: tuple[tuple[str, Any], ...] = ()  # how a mapping's keys read on the bureau's page
    check: Callable[[Any], None] | None = field(default=None, compare=False)

    def parse(self, raw: Any) -> Any:
        """The value of ``raw`` (text typed by an administrator, or JSON), or a ValidationError saying why not."""
        try:
            value = self._convert(raw)
        except (InvalidOperation, ValueError, TypeError, json.JSONDecodeError):
            raise ValidationError(self._expected()) from None
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("At least %(minimum)s.") % {"minimum": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("At most %(maximum)s.") % {"maximum": self.maximum})
        if self.choices and value not in self.choices:
            raise ValidationError(_("One of: %(choices)s.") % {"choices": ", ".join(self.choices)})
        if self.check is not None:
            self.check(value)
        return value

    def _convert(self, raw: Any) -> Any:
        if self.kind == DECIMAL:
            return Decimal(str(raw).strip())
        if self.kind == INTEGER:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError(raw)
            return int(str(raw).strip())
        if self.kind == MAPPING:
            value = json.loads(raw) if isinstance(raw, str) else dict(raw)
            if not isinstance(value, dict) or set(value) - set(self.keys):
                raise ValueError(raw)
            if any(isinstance(count, bool) or not isinstance(count, int) or count < 0 for count in value.values()):
                raise ValueError(raw)
            return {key: value.get(key, 0) for key in self.keys}
        return str(raw).strip()

    def _expected(self) -> str:
        if self.kind == DECIMAL:
            return _("A number, e.g. 1.7.")
        if self.kind == INTEGER:
            return _("A whole number.")
        if self.kind == MAPPING:
            return _("A JSON object of whole numbers for the keys %(keys)s.") % {"keys": ", ".join(self.keys)}
        return _("A text.")

    def to_json(self, value: Any) -> Any:
        return str(value) if self.kind == DECIMAL else value

    def from_json(self, stored: Any) -> Any:
        return self._convert(stored)

    def show(self, value: Any) -> str:
        """The value as bureau staff read it (a mapping by its keys' labels)."""
        if self.kind == MAPPING:
            labels = dict(self.key_labels)
            return " · ".join(f"{labels.get(key, key)} {count}" for key, count in value.items())
        return str(value)

    def edit(self, value: Any) -> str:
        """The value as the administrator edits it (a mapping as JSON)."""
        return json.dumps(value, ensure_ascii=False) if self.kind == MAPPING else str(value)


_policies: dict[str, Policy] = {}


def register_policy(
    name: str,
    *,
    rule: str,
    description: str,
    kind: str,
    default: Any,
    environ: Mapping[str, str] = os.environ,
    **limits,
) -> Policy:
    """Declare a policy value; ``POLICY_<NAME>`` in the environment gives its first default."""
    definition = Policy(name, rule, description, kind, default, **limits)
    raw = environ.get(f"POLICY_{name}")
    definition = Policy(name, rule, description, kind, definition.parse(raw if raw is not None else default), **limits)
    if name in _policies and _policies[name] != definition:
        raise ValueError(f"policy {name!r} is registered twice")
    _policies[name] = definition
    return definition


def unregister_policy(name: str) -> None:
    _policies.pop(name, None)


def _rule_order(rule: str) -> tuple:
    """R-LIST-6 before R-LIST-12: the rule's number read as a number."""
    head, _, number = rule.rpartition("-")
    return (head, int(number)) if number.isdigit() else (rule, 0)


def registered_policies() -> list[Policy]:
    return sorted(_policies.values(), key=lambda definition: (_rule_order(definition.rule), definition.name))


def definition_of(name: str) -> Policy:
    try:
        return _policies[name]
    except KeyError:
        raise KeyError(f"unknown policy {name!r}; known: {', '.join(sorted(_policies))}") from None


def policy(name: str) -> Any:
    """The value in force of one policy (the administrator's, else its first default)."""
    from procurement.core.models import PolicyValue

    definition = definition_of(name)
    stored = PolicyValue.objects.filter(name=name).values_list("value", flat=True).first()
    return definition.default if stored is None else definition.from_json(stored)


@dataclass(frozen=True)
class InForce:
    definition: Policy
    value: Any
    changed: Any  # the PolicyValue row, or None while the first default holds

    @property
    def shown(self) -> str:
        return self.definition.show(self.value)


def policies_in_force() -> list[InForce]:
    from procurement.core.models import PolicyValue

    rows = PolicyValue.objects.select_related("updated_by").in_bulk()
    found = []
    for definition in registered_policies():
        row = rows.get(definition.name)
        found.append(InForce(definition, definition.default if row is None else definition.from_json(row.value), row))
    return found


def can_set_policies(user) -> bool:
    """The platform administrator sets the policy values (the back office is theirs)."""
    return user.is_authenticated and user.is_superuser


def policy_set(*, actor, name: str, value: Any, reason: str):
    """Set the value in force of one policy, with the reason the audit trail keeps; at once, everywhere."""
    from procurement.core.models import PolicyValue

    if not can_set_policies(actor):
        raise PermissionDenied(_("Only the platform administrator sets policy values."), code="forbidden")
    definition = definition_of(name)
    try:
        parsed = definition.parse(value)
    except ValidationError as error:
        raise DomainError(error.messages[0], code="invalid", field="value", rule=definition.rule) from None
    if not reason or not reason.strip():
        raise DomainError(_("Give the reason for the change."), code="required", field="reason")
    with transaction.atomic(), audit_reason(reason.strip(), policy=name):
        row, _created = PolicyValue.objects.update_or_create(
            name=name, defaults={"value": definition.to_json(parsed), "updated_by": actor}
        )
    return row


def write_first_defaults(**kwargs) -> None:
    """After migrate: a row for each policy that has none, holding its first default (the environment's
    or the code's). The environment is read once, when the platform first starts; the rows rule after."""
    from procurement.core.models import PolicyValue

    existing = set(PolicyValue.objects.values_list("name", flat=True))
    PolicyValue.objects.bulk_create(
        PolicyValue(name=definition.name, value=definition.to_json(definition.default))
        for definition in registered_policies()
        if definition.name not in existing
    )
