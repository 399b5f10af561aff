"""``clearcheck calendar``: the working-day calendar from the console (issue 20).

``clearcheck calendar load 2027.csv --user <bureau account> [--year 2027]`` loads a whole year (CSV or JSON, the
format in docs/deployment.md), checked as the bureau's form checks it, audited under the named bureau account;
``clearcheck calendar years`` lists the years loaded.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clearcheck.core.errors import DomainError

from ...calendar_files import schedule_file_parse
from ...selectors.calendar import calendar_years_overview
from ...services.calendar import calendar_year_load


class Command(BaseCommand):
    """Load a year of the official holiday schedule, or list the loaded years."""

    help = "Working-day calendar: 'load FILE --user BUREAU_USER [--year YYYY]' or 'years'"

    def add_arguments(self, parser):
        """``load FILE`` and ``years``."""
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load one whole year from a CSV or JSON file")
        load.add_argument("file", type=Path)
        load.add_argument("--year", default=None, help="the year (required for CSV unless the JSON names it)")
        load.add_argument("--user", required=True, help="the bureau account the audit trail records")
        sub.add_parser("years", help="list the years loaded")

    def handle(self, *args, **options):
        """Run the subcommand; a refused file prints every problem with its line and changes nothing."""
        if options["action"] == "years":
            for row in calendar_years_overview():
                self.stdout.write(f"{row['year']}\t放假 {row['holidays']} 天\t调休上班 {row['workdays']} 天\t"
                                  f"{row['loaded_by']}\t{row['source']}")
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"账号 {options['user']} 不存在")
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}:{exc.strerror}") from None
        try:
            schedule = schedule_file_parse(content, year=options["year"], filename=path.name)
            done = calendar_year_load(actor=user, schedule=schedule)
        except DomainError as exc:
            lines = [getattr(exc, "detail", str(exc))]
            lines += [f"  {e.message}" for e in getattr(exc, "errors", [])]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(f"已载入 {done['year']} 年工作日历:放假 {done['holidays']} 天,调休上班 "
                          f"{done['workdays']} 天;重新计算期限 {done['deadlines_recomputed']} 个")
