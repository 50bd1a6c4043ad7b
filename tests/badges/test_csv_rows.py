"""Each rule of a CSV batch refuses its row, and only its row, with the French reason the mediator reads."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from badges.models import Assertion, IssueBatch
from badges.services import assertion_revoke, batch_create, batch_start, csv_check
from badges.services import batches as batches_service
from badges.services.batches import issued_on_from_date, recipients_parse
from tests.helpers import issue_batch_here

pytestmark = pytest.mark.django_db

HEADER = "nom;e-mail;observation;lien de la preuve;date\n"
GOOD = "Sam Martin;sam@example.org;A créé son compte;https://exemple.fr/preuve;{day}\n"


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def check(badge_class, *lines: str):
    """The report of a file made of a valid first row then ``lines``: {line: reasons}, accepted e-mails."""
    data = (HEADER + GOOD.format(day=today()) + "".join(lines)).encode()
    report = csv_check(badge_class=badge_class, data=data)
    return {row["line"]: row["reasons"] for row in report.rejected}, [row["email"] for row in report.rows]


@pytest.mark.parametrize(("line", "reason"), [
    ("Ali;ali@example;;;\n", "adresse e-mail invalide"),
    ("Ali;ali at example.org;;;\n", "adresse e-mail invalide"),
    ("Ali;;;;\n", "adresse e-mail manquante"),
    ("Ali;ali@example.org;;javascript:alert(1);\n", "lien de preuve invalide"),
    ("Ali;ali@example.org;;ftp://exemple.fr/preuve;\n", "lien de preuve invalide"),
    ("Ali;ali@example.org;;voir le classeur;\n", "lien de preuve invalide"),
    ("Ali;ali@example.org;;;31/02/2026\n", "date illisible (attendu : JJ/MM/AAAA)"),
    ("Ali;ali@example.org;;;hier\n", "date illisible (attendu : JJ/MM/AAAA)"),
    ("Ali;SAM@example.org;;;\n", "ligne en double (même e-mail que la ligne 2)"),
])
def test_a_bad_row_is_refused_with_its_reason(badge_class, line, reason):
    rejected, accepted = check(badge_class, line)
    assert rejected == {3: [reason]}
    assert accepted == ["sam@example.org"]


def test_an_observation_dated_tomorrow_is_refused(badge_class):
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    rejected, accepted = check(badge_class, f"Ali;ali@example.org;;;{tomorrow}\n")
    assert rejected == {3: ["date dans le futur"]}
    assert accepted == ["sam@example.org"]


def test_an_observation_dated_today_or_earlier_is_kept_with_its_date(badge_class):
    data = (HEADER + GOOD.format(day=today()) + "Ali;ali@example.org;;;03/02/2026\n"
            + "Zoé;zoe@example.org;;;2026-02-04\n").encode()
    report = csv_check(badge_class=badge_class, data=data)
    assert report.rejected == []
    assert [row["issued_on"] for row in report.rows] == [timezone.localdate().isoformat(), "2026-02-03",
                                                         "2026-02-04"]


def test_a_valid_evidence_link_is_kept(badge_class):
    report = csv_check(badge_class=badge_class, data=(HEADER + GOOD.format(day="")).encode())
    assert report.rows[0]["evidence_url"] == "https://exemple.fr/preuve"


def test_every_reason_of_a_row_is_given_at_once(badge_class):
    rejected, _accepted = check(badge_class, "Ali;ali@example;;pas-un-lien;32/13/2026\n")
    assert rejected == {3: ["adresse e-mail invalide", "lien de preuve invalide",
                            "date illisible (attendu : JJ/MM/AAAA)"]}


def test_a_repeated_address_is_a_duplicate_only_of_an_accepted_row(badge_class):
    """A row refused for its date does not make the corrected row below it a duplicate."""
    rejected, accepted = check(badge_class, "Ali;ali@example.org;;;hier\n", "Ali;ali@example.org;;;\n",
                               "Ali;ali@example.org;;;\n")
    assert rejected == {3: ["date illisible (attendu : JJ/MM/AAAA)"],
                        5: ["ligne en double (même e-mail que la ligne 4)"]}
    assert accepted == ["sam@example.org", "ali@example.org"]


def test_someone_holding_the_badge_is_refused_but_a_revoked_or_expired_holder_is_not(badge_class):
    Assertion.objects.create(badge_class=badge_class, recipient_email="held@example.org")
    revoked = Assertion.objects.create(badge_class=badge_class, recipient_email="revoked@example.org")
    assertion_revoke(assertion=revoked, reason="Erreur")
    Assertion.objects.create(badge_class=badge_class, recipient_email="expired@example.org",
                             expires_on=timezone.now() - timedelta(days=1))
    rejected, accepted = check(badge_class, "A;held@example.org;;;\n", "B;revoked@example.org;;;\n",
                               "C;expired@example.org;;;\n")
    assert rejected == {3: ["possède déjà ce badge"]}
    assert accepted == ["sam@example.org", "revoked@example.org", "expired@example.org"]


def test_holding_another_badge_is_no_reason_to_refuse(badge_class, issuer):
    from tests.factories import BadgeClassFactory

    Assertion.objects.create(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="ali@example.org")
    rejected, accepted = check(badge_class, "Ali;ali@example.org;;;\n")
    assert rejected == {} and accepted == ["sam@example.org", "ali@example.org"]


def test_an_empty_file_is_refused_as_a_whole(badge_class):
    with pytest.raises(ValidationError) as error:
        csv_check(badge_class=badge_class, data=b"")
    assert error.value.messages == ["Le fichier est vide."]


def test_a_file_too_long_is_refused_as_a_whole(badge_class, monkeypatch):
    monkeypatch.setattr(batches_service, "MAX_CSV_ROWS", 2)
    with pytest.raises(ValidationError) as error:
        check(badge_class, "A;a@example.org;;;\n", "B;b@example.org;;;\n")
    assert error.value.messages == ["Le fichier dépasse 2 lignes : découpez-le."]
    rejected, accepted = check(badge_class, "A;a@example.org;;;\n")  # exactly the limit
    assert len(accepted) == 2


def test_refused_rows_are_shown_with_their_reasons_and_never_issued(client, mediator, badge_class):
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    data = (HEADER + GOOD.format(day=today()) + f"Ali;ali@example.org;;;{tomorrow}\n"
            + "Léa;lea@example.org;;javascript:alert(1);\n").encode()
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    client.force_login(mediator)
    page = client.get(reverse("partner:batch_detail", kwargs={"public_id": batch.public_id})).content.decode()
    assert "date dans le futur" in page and "lien de preuve invalide" in page
    batch_start(batch=batch, started_by=mediator)
    issue_batch_here(batch.pk)
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.DONE
    assert list(Assertion.objects.values_list("recipient_email", flat=True)) == ["sam@example.org"]
    assert Assertion.objects.get().evidence.get().url == "https://exemple.fr/preuve"


def test_a_past_observation_date_is_the_issue_date_and_today_is_now():
    noon = issued_on_from_date(date(2026, 2, 3))
    assert timezone.localtime(noon).date() == date(2026, 2, 3) and timezone.localtime(noon).hour == 12
    assert abs(issued_on_from_date(timezone.localdate()) - timezone.now()) < timedelta(seconds=5)
    assert abs(issued_on_from_date(None) - timezone.now()) < timedelta(seconds=5)


# --- The partner form's list of recipients ---------------------------------------------------------

def test_each_bad_line_of_recipients_is_explained_and_a_repeated_address_kept_once():
    recipients, errors = recipients_parse("Sam Martin <sam@example.org>\nAli Ben\nLéa, lea@exemple\n"
                                          "sam@example.org\n\nZoé Roy; zoe@example.org\n")
    assert [(r.name, r.email) for r in recipients] == [("Sam Martin", "sam@example.org"),
                                                      ("Zoé Roy", "zoe@example.org")]
    assert errors == ["Ligne 2 : aucune adresse e-mail reconnue (« Ali Ben »).",
                      "Ligne 3 : adresse e-mail invalide (« lea@exemple »)."]
