"""Award e-mails of a chunk are rendered once and filled in per recipient: each
recipient must read exactly what rendering their own e-mail would give."""

import pytest
from django.core import mail

from badges.models import OutgoingEmail
from badges.services.emails import _message, emails_deliver
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    ("Zoé <script>alert(1)</script> & \"O'Neil\"", "A aidé <b>trois</b> voisins\n& s'est lancé\n\nseul"),
    ("", ""),
    ("Sam", "Une ligne"),
    ("Ali {{ name }} %s \\ue000", ""),
]


def award_emails(badge_class, language=None):
    emails = []
    for name, narrative in HOSTILE:
        assertion = AssertionFactory(badge_class=badge_class, recipient_name=name, narrative=narrative)
        context = {"assertion_id": assertion.pk, **({"language": language} if language else {})}
        emails.append(OutgoingEmail.objects.create(to=assertion.recipient_email, template="award", context=context,
                                                   issuer=badge_class.issuer, assertion=assertion))
    return emails


def parts(message):
    return message.subject, message.body, message.alternatives[0][0]


@pytest.mark.parametrize("language", [None, "en"])
def test_each_recipient_reads_what_their_own_rendering_gives(badge_class, language):
    badge_class.name = "Créer <son> « compte » & mot de passe"
    badge_class.save()
    merges = {}
    for email in award_emails(badge_class, language):
        assert parts(_message(email, merges)) == parts(_message(email))
    assert len(merges) == 2  # with and without an observation: two renderings for the chunk


def test_names_and_observations_reach_the_right_recipient(badge_class):
    mail.outbox.clear()
    emails = award_emails(badge_class)
    assert emails_deliver(emails=emails) == []
    first = mail.outbox[0]
    assert "Zoé &lt;script&gt;" in first.alternatives[0][0] and "<script>" not in first.alternatives[0][0]
    assert "Bonjour Zoé <script>alert(1)</script>" in first.body
    assert emails[0].assertion.claim_token in first.body
    assert all(emails[0].assertion.claim_token not in message.body for message in mail.outbox[1:])
    assert "Bonjour ," in mail.outbox[1].body and "Ce qui a été observé" not in mail.outbox[1].body


def test_a_template_reading_another_field_is_rendered_per_recipient(badge_class, settings, tmp_path):
    (tmp_path / "emails").mkdir()
    template = "Badge {{ assertion.public_id }} pour {{ assertion.recipient_name }}"
    (tmp_path / "emails" / "award.txt").write_text(template)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    merges = {}
    for email in award_emails(badge_class):
        message = _message(email, merges)
        assert message.body == f"Badge {email.assertion.public_id} pour {email.assertion.recipient_name}"
    assert set(merges.values()) == {None}
