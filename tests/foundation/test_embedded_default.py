"""The README's first command runs on the embedded default: SQLite, tasks in-process.
The same issuing paths must work there, not only on PostgreSQL."""


from tests.helpers import run_on_embedded_default

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0)
from badges.models import Assertion, IssueBatch, OutgoingEmail
from badges.services import batch_create, batch_start
from badges.verification import verify_badge
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

assert connection.vendor == "sqlite"
issuer = IssuerFactory()
mediator = UserFactory()
membership_set(issuer=issuer, user=mediator, role=Membership.Role.MEDIATOR)
badge_class = BadgeClassFactory(issuer=issuer)
rows = "".join(f"P{i};p{i}@example.org;https://example.org/preuve/{i}\\n" for i in range(60))
batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"nom;courriel;lien\\n{rows}".encode())
with transaction.atomic():
    batch_start(batch=batch, started_by=mediator)
batch.refresh_from_db()
print("batch", batch.status, batch.done)
print("signed", Assertion.objects.filter(baked_at__isnull=False, bake_error="").count())
print("sent", OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count())
badge = Assertion.objects.get(recipient_email="p42@example.org")
with badge.baked_png.open("rb") as handle:
    print("verified", verify_badge(handle.read(), expected_email="p42@example.org").status)
print("evidence", badge.ob3_credential["evidence"][0]["id"])
"""


def test_the_embedded_default_issues_signs_bakes_and_mails_a_csv_batch(tmp_path):
    stdout = run_on_embedded_default(SCRIPT, tmp_path)
    lines = dict(line.split(" ", 1) for line in stdout.splitlines() if " " in line)
    assert lines["batch"] == "done 60"
    assert lines["signed"] == "60" and lines["sent"] == "60"
    assert lines["verified"] == "valid"
    assert lines["evidence"] == "https://example.org/preuve/42"
    assert (tmp_path / "badgehub.sqlite3").exists()
