"""Rules of issuing to several people at once, at the service level: the API's batches, a batch
started twice, a form sent to nobody, a file that is not what it says."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Assertion, IssueBatch
from badges.services import batch_create, batch_start
from badges.services.batches import Recipient, assertion_issue_many, batch_create_from_rows
from badges.services.issuing import EvidenceInput
from issuers.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ROWS = [{"email": "sam@example.org", "name": "Sam", "narrative": "", "evidence_url": "", "issued_on": ""}]
CSV = b"nom;e-mail\nSam Martin;sam@example.org\n"


@pytest.mark.parametrize("closed", ["archived", "not_by_mediator"])
def test_the_api_opens_no_batch_for_a_badge_closed_to_mediators(owner, badge_class, closed):
    if closed == "archived":
        badge_class.archived = True
    else:
        badge_class.issuable_by_mediator = False
        badge_class.requestable = True
    badge_class.save()
    with pytest.raises(ValidationError, match="de cette façon"):
        batch_create_from_rows(badge_class=badge_class, created_by=owner, rows=ROWS)
    assert not IssueBatch.objects.exists()


def test_the_api_opens_no_batch_for_a_mediator_of_another_issuer(outsider, badge_class):
    with pytest.raises(PermissionDenied):
        batch_create_from_rows(badge_class=badge_class, created_by=outsider, rows=ROWS)
    assert not IssueBatch.objects.exists()


def test_a_batch_started_twice_is_queued_and_logged_once(mediator, badge_class, django_capture_on_commit_callbacks):
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=CSV)
    with django_capture_on_commit_callbacks() as callbacks:
        batch_start(batch=batch, started_by=mediator)
        batch_start(batch=batch, started_by=mediator)  # a double click on "Délivrer"
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.BATCH_STARTED).count() == 1
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.QUEUED


def test_a_file_with_no_valid_row_is_not_started(mediator, badge_class, django_capture_on_commit_callbacks):
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=b"nom;e-mail\nSam;pas-une-adresse\n")
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError, match="Aucune ligne valide"):
            batch_start(batch=batch, started_by=mediator)
    assert callbacks == []
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.CHECKED


def test_a_form_sent_to_nobody_issues_nothing(mediator, badge_class):
    with pytest.raises(ValidationError, match="au moins une personne"):
        assertion_issue_many(badge_class=badge_class, recipients=[], issued_by=mediator)


def test_a_program_disguised_as_an_image_is_refused_for_the_whole_group(mediator, badge_class):
    evidence = EvidenceInput(name="Photo", file=SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image"))
    with pytest.raises(ValidationError, match="Type de fichier non accepté"):
        assertion_issue_many(badge_class=badge_class, recipients=[Recipient("sam@example.org"),
                                                                  Recipient("lea@example.org")],
                             issued_by=mediator, evidence=evidence)
    assert not Assertion.objects.exists()


def test_a_mediator_of_another_issuer_issues_nothing_to_a_group(outsider, badge_class):
    with pytest.raises(PermissionDenied):
        assertion_issue_many(badge_class=badge_class, recipients=[Recipient("sam@example.org")], issued_by=outsider)
    assert not Assertion.objects.exists()


def test_a_line_with_two_addresses_is_explained_not_issued_to_the_first_only():
    from badges.services.batches import recipients_parse

    recipients, errors = recipients_parse("Sam Martin, sam@example.org, lea@example.org\nLéa <lea@example.org>")
    assert [r.email for r in recipients] == ["lea@example.org"]
    assert len(errors) == 1 and errors[0].startswith("Ligne 1 :")


def test_a_typed_name_loses_the_quotes_and_commas_around_it():
    from badges.services.batches import recipients_parse

    recipients, _errors = recipients_parse('"Sam Martin", <sam@example.org>')
    assert recipients == [Recipient(email="sam@example.org", name="Sam Martin")]


def test_the_audit_log_says_who_started_which_file_for_which_badge(issuer, mediator, badge_class):
    data = b"nom;e-mail\nSam Martin;sam@example.org\nAli;pas-une-adresse\n"
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data, source_name="atelier.csv")
    batch_start(batch=batch, started_by=mediator)
    started = AuditEvent.objects.get(action=AuditEvent.Action.BATCH_STARTED)
    assert (started.actor, started.issuer, started.object_type, started.object_id, started.count) == (
        mediator, issuer, "issue_batch", str(batch.public_id), 1)
    assert started.object_label == f"{badge_class.name} — atelier.csv"
    assert started.details == {"badge_class": str(badge_class.public_id), "rejected": 1, "already_done": 0}


def accepted(badge_class, data: bytes) -> list[str]:
    from badges.services import csv_check

    return [row["email"] for row in csv_check(badge_class=badge_class, data=data).rows]


def test_the_separator_is_read_on_the_title_line_not_in_the_observations(badge_class):
    data = b"nom;e-mail;observation\nSam;sam@example.org;a, b, c, d, e, f, g\n"
    assert accepted(badge_class, data) == ["sam@example.org"]


def test_a_tab_separated_file_is_read(badge_class):
    assert accepted(badge_class, b"nom\te-mail\nSam\tsam@example.org\n") == ["sam@example.org"]


def test_an_http_evidence_link_is_kept(badge_class):
    data = b"nom;e-mail;lien de la preuve\nSam;sam@example.org;http://exemple.fr/preuve\n"
    assert accepted(badge_class, data) == ["sam@example.org"]


def test_rows_after_a_blank_line_and_short_rows_are_read(badge_class):
    data = b"e-mail;nom;observation\nsam@example.org;Sam;Oui\n;;\n\nlea@example.org\n"
    assert accepted(badge_class, data) == ["sam@example.org", "lea@example.org"]


def test_refused_rows_count_towards_the_size_limit(badge_class, monkeypatch):
    from badges.services import batches as batches_service
    from badges.services import csv_check

    monkeypatch.setattr(batches_service, "MAX_CSV_ROWS", 3)
    data = b"nom;e-mail\n" + b"".join(b"P;pas-une-adresse-%d\n" % n for n in range(4))
    with pytest.raises(ValidationError, match="dépasse 3 lignes"):
        csv_check(badge_class=badge_class, data=data)
