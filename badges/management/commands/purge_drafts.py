from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from badges.services.uploads import DRAFT_FILES_MAX_AGE, draft_files_purge


class Command(BaseCommand):
    help = "Delete the partner form's draft evidence files left unconfirmed (what the daily beat job does)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=float, default=DRAFT_FILES_MAX_AGE / timedelta(days=1),
                            help="delete draft files older than this many days (default: %(default)s)")

    def handle(self, *args, **options) -> None:
        if options["days"] < 0:
            raise CommandError("--days cannot be negative")
        deleted = draft_files_purge(older_than=timedelta(days=options["days"]))
        self.stdout.write(f"Deleted {deleted} draft file(s) older than {options['days']:g} day(s).")
