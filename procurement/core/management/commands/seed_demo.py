"""Seed a realistic demo province: ``manage.py seed_demo``.

Each app registers how it fills the demo in its ``seed.py`` (``procurement.core.seeding``); this
command runs them in dependency order and prints one login per role. Running it again changes
nothing and prints the logins again.
"""

import random

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from procurement.core.seeding import SeedContext, run_seeders, seeders_in_order
from procurement.organisations.seed import is_seeded, print_logins


class Command(BaseCommand):
    help = "Seed a realistic demo province (idempotent) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed for the invented figures")
        parser.add_argument("--list", action="store_true", help="list the seeders in the order they run")

    def handle(self, *args, **options):
        autodiscover_modules("seed")
        context = SeedContext(random=random.Random(options["seed"]), write=self.stdout.write)
        if options["list"]:
            for seeder in seeders_in_order():
                self.stdout.write(f"{seeder.name:<16} {seeder.description}")
            return
        if is_seeded():
            self.stdout.write("The demo province is already seeded.")
        else:
            run_seeders(context)
        print_logins(context)
