"""Domain errors: a code, the rule it enforces, a translatable message and the figures.

Services raise them; the API's exception handler renders them as
``{"errors": [{"field", "rule", "code", "message", "params"}]}`` and forms show the same message
on the same field (STYLE.md §9).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: which field, which rule, what to tell the user."""

    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "rule": self.rule,
            "code": self.code,
            "message": str(self.message),
            "params": {key: _jsonable(value) for key, value in self.params.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


class DomainError(Exception):
    """A business rule refused an action. Nothing has been changed when it is raised."""

    status_code = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str = "invalid",
        field: str | None = None,
        rule: str | None = None,
        params: Mapping[str, Any] | None = None,
        problems: Iterable[Problem] | None = None,
    ):
        if problems is None:
            problems = [Problem(code=code, message=message or "", field=field, rule=rule, params=params or {})]
        self.problems = list(problems)
        super().__init__("; ".join(str(problem.message) for problem in self.problems))

    @property
    def message(self) -> str:
        return str(self.problems[0].message)


class PermissionDenied(DomainError):
    """The actor may see the object but may not do this to it."""

    status_code = 403


class Conflict(DomainError):
    """The object is not in a state that allows the action (e.g. already accepted)."""

    status_code = 409
