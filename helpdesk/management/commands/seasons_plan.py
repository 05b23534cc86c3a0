from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.season_calendar import season_plan, season_rule_sets_create


class Command(BaseCommand):
    help = (
        "Create a year's seasonal rule sets (Black Friday, Christmas, Singles' Day, 618, Chinese New "
        "Year, Valentine's Day, Prime Day) from the calendar, one per market, with phase boundaries at "
        "local midnight. Rule sets that exist are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The year of the peaks, e.g. 2027.")
        parser.add_argument(
            "--market", action="append", dest="markets", help="Only this market (ISO code); repeatable."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be created.")

    def handle(self, *args: Any, **options: Any) -> None:
        year, markets = options["year"], options["markets"]
        try:
            if options["dry_run"]:
                for plan in season_plan(year=year, markets=markets):
                    self.stdout.write(
                        f"{plan.slug}: {plan.prepare_from:%Y-%m-%d} / {plan.peak_from:%Y-%m-%d} / "
                        f"{plan.peak_until:%Y-%m-%d} / {plan.review_until:%Y-%m-%d} ({plan.time_zone})"
                    )
                return
            created, existing = season_rule_sets_create(year=year, markets=markets)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Seasonal rule sets for {year}: {created} created, {existing} already there.")
