import sys

from django.core.management.base import BaseCommand, CommandError

from badges.exports import FORMATS, ExportUnavailable, export_assertion
from badges.models import Assertion


class Command(BaseCommand):
    help = "Write one issued badge in an Open Badges format (PNG/SVG carry OB 3.0; *-ob2 carry OB 2.0)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("assertion", help="public id (uuid) of the assertion")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--out", required=True, help="file to write ('-' for standard output)")

    def handle(self, *args, **options) -> None:
        assertion = Assertion.objects.filter(public_id=options["assertion"]).first()
        if assertion is None:
            raise CommandError(f"No assertion with public id {options['assertion']}")
        try:
            exported = export_assertion(assertion, options["format"])
        except ExportUnavailable as exc:
            raise CommandError(str(exc))
        if options["out"] == "-":
            sys.stdout.buffer.write(exported.content)
            return
        with open(options["out"], "wb") as handle:
            handle.write(exported.content)
        self.stderr.write(f"Wrote {len(exported.content)} bytes to {options['out']}")
