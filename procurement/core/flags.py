"""The registry of supervision flags (DOMAIN.md R-SUP-5, R-SUP-2): what marks a hospital or a company for
the bureau's attention, gathered from the apps that own each rule.

A channel registers a *flag source* (``register_flag_source``): its key, what people call it (红区占比过高),
the rule it implements, the kind of subject it flags (a hospital or a company) and a function of
``(user, day)`` returning the subjects flagged on that day as ``Flagged`` rows, each with a short
explanation and its figures. The function reads through ``visible_to`` like any selector; the registry
keeps, besides, only subjects the user may see (a city or county bureau: its region, R-SUP-2), so a
source that forgets cannot widen what a bureau reads.

Supervision reads only this registry (it imports no channel app): it lists the flags and opens an
interview case from one (R-SUP-5), storing the explanation and figures of the day it was opened.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procurement.organisations.models import User

HOSPITAL, COMPANY = "hospital", "company"
SUBJECT_KINDS = (HOSPITAL, COMPANY)


@dataclass(frozen=True)
class Flagged:
    """One subject flagged by one source on one day: why, in a sentence, and the figures behind it."""

    subject_id: int
    explanation: str
    figures: dict[str, Any] = field(default_factory=dict)
    url: str = ""  # where the figures can be checked (the owner's page), if anywhere
    detail: str = ""  # what within the subject, if the flag is about one thing (a product, a payable)


@dataclass(frozen=True)
class FlagSource:
    key: str
    label: Any  # translatable
    rule: str
    subject: str  # HOSPITAL | COMPANY
    find: Callable[["User", date], Iterable[Flagged]] = field(compare=False)
    order: int = 100


@dataclass(frozen=True)
class Flag:
    """A flag as supervision shows it: the source, the subject (an Organisation) and the finding."""

    source: FlagSource
    subject: Any  # Organisation
    found: Flagged

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def explanation(self) -> str:
        return self.found.explanation

    @property
    def figures(self) -> dict:
        return self.found.figures


_sources: dict[str, FlagSource] = {}


def register_flag_source(
    key: str,
    *,
    label,
    rule: str,
    subject: str,
    order: int = 100,
) -> Callable[[Callable], Callable]:
    """``@register_flag_source("red_share", label=_("…"), rule="R-NEG-7", subject=HOSPITAL)`` on a function
    of ``(user, day)`` returning ``Flagged`` rows."""
    if subject not in SUBJECT_KINDS:
        raise ValueError(f"flag source {key!r}: subject must be one of {SUBJECT_KINDS}")

    def register(func: Callable) -> Callable:
        source = FlagSource(key, label, rule, subject, func, order)
        existing = _sources.get(key)
        if existing is not None and existing.find is not func:
            raise ValueError(f"flag source {key!r} is registered twice")
        _sources[key] = source
        return func

    return register


def unregister_flag_source(key: str) -> None:
    _sources.pop(key, None)


def flag_sources() -> list[FlagSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def flag_source(key: str) -> FlagSource:
    try:
        return _sources[key]
    except KeyError:
        raise KeyError(f"unknown flag source {key!r}; known: {', '.join(sorted(_sources))}") from None


def flags_for(
    user: "User", day: date, *, keys: Iterable[str] | None = None, subject_id: int | None = None
) -> list[Flag]:
    """Every flag ``user`` may see on ``day`` (of the sources ``keys``, or all; of one subject, or all),
    in the sources' order, then by subject name. R-SUP-2: only subjects the user may see."""
    from procurement.core.scoping import visible_to
    from procurement.organisations.models import Organisation

    wanted = set(keys) if keys is not None else None
    found: list[tuple[FlagSource, Flagged]] = []
    for source in flag_sources():
        if wanted is not None and source.key not in wanted:
            continue
        for flagged in source.find(user, day) or ():
            if subject_id is None or flagged.subject_id == subject_id:
                found.append((source, flagged))
    subjects = visible_to(user, Organisation).in_bulk({flagged.subject_id for _source, flagged in found})
    flags = [
        Flag(source, subjects[flagged.subject_id], flagged)
        for source, flagged in found
        if flagged.subject_id in subjects
    ]
    return sorted(flags, key=lambda flag: (flag.source.order, flag.source.key, flag.subject.name, flag.found.detail))


def flag_of(user: "User", key: str, subject_id: int, day: date, *, detail: str | None = None) -> Flag | None:
    """The one flag of source ``key`` on ``subject_id`` that ``user`` sees on ``day`` (and ``detail``,
    when the source flags several things of one subject), or None."""
    flag_source(key)
    for flag in flags_for(user, day, keys=[key], subject_id=subject_id):
        if detail is None or flag.found.detail == detail:
            return flag
    return None
