"""Demo seeders: how each app fills the demo province (``manage.py seed_demo``).

An app registers its seeders in its ``seed.py`` with ``@demo_seeder(name, after=…, before=…)``; the
command runs them in dependency order, each in its own transaction under the audit actor
``command:seed_demo``. A seeder writes through its app's services, as a user would; it writes rows
directly only where a service cannot say what it must (a history in the past) or where one row at
a time was measured too slow for a demo, and says so. Seeders find what earlier ones made by its
natural key (a name, a username), not through shared objects; what they leave for the next ones or
for the closing message goes in ``context.notes``.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from procurement.core.audit import audit_actor


@dataclass
class SeedContext:
    random: random.Random
    write: Callable[[str], None]
    today: date = field(default_factory=timezone.localdate)
    notes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    func: Callable[[SeedContext], None]
    after: tuple[str, ...]
    before: tuple[str, ...]
    description: str


_seeders: dict[str, DemoSeeder] = {}


def demo_seeder(name: str, *, after: tuple[str, ...] = (), before: tuple[str, ...] = ()):
    """Register a demo seeder that runs after the seeders named in ``after`` and before those in ``before``."""

    def register(func: Callable[[SeedContext], None]):
        if name in _seeders and _seeders[name].func is not func:
            raise ValueError(f"demo seeder {name!r} is registered twice")
        description = next(iter((func.__doc__ or "").strip().splitlines()), "")
        _seeders[name] = DemoSeeder(name, func, tuple(after), tuple(before), description)
        return func

    return register


def seeders_in_order(registered: dict[str, DemoSeeder] | None = None) -> list[DemoSeeder]:
    """Every seeder after those it depends on (ties by name); an unknown name or a cycle is an error."""
    registered = _seeders if registered is None else registered
    depends: dict[str, set[str]] = {name: set(seeder.after) for name, seeder in registered.items()}
    for name, seeder in registered.items():
        for later in seeder.before:
            if later not in registered:
                raise ValueError(f"demo seeder {name!r} runs before {later!r}, which is not registered")
            depends[later].add(name)
    for name, needs in depends.items():
        unknown = needs - set(registered)
        if unknown:
            raise ValueError(f"demo seeder {name!r} runs after {sorted(unknown)}, which are not registered")
    ordered: list[DemoSeeder] = []
    done: set[str] = set()
    while len(done) < len(registered):
        ready = sorted(name for name, needs in depends.items() if name not in done and needs <= done)
        if not ready:
            raise ValueError(f"demo seeders depend on each other in a cycle: {sorted(set(registered) - done)}")
        done.add(ready[0])
        ordered.append(registered[ready[0]])
    return ordered


def run_seeders(context: SeedContext) -> None:
    for seeder in seeders_in_order():
        context.write(f"{seeder.name}: {seeder.description}")
        with transaction.atomic(), audit_actor("command:seed_demo", seeder=seeder.name):
            seeder.func(context)
