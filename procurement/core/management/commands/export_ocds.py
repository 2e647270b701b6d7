"""``manage.py export_ocds [--since D] [--until D] [--source NAME …] [--output FILE]``: the platform's open data as
an OCDS 1.1 release package (R-SUP-7), from every channel's registered releases (procurement.core.opendata)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from procurement.core import opendata


class Command(BaseCommand):
    help = "Write the open data (listings, VBP results and contracts, payments) as an OCDS 1.1 release package."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
        parser.add_argument(
            "--source", action="append", dest="sources", help="only these sources (listings, vbp, payments)"
        )
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, since=None, until=None, sources=None, output=None, **options):
        known = {source.name for source in opendata.release_sources()}
        unknown = set(sources or ()) - known
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        package = opendata.release_package(opendata.Period(since, until), sources)
        if not package["releases"]:  # the standard's package holds at least one release
            raise CommandError(f"no release in the period {since or '…'} – {until or '…'}: nothing to export")
        text = opendata.dumps(package)
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(text)
            self.stderr.write(f"{len(package['releases'])} releases written to {output}")
        else:
            self.stdout.write(text)
