"""CSV batches issue a chunk at a time: one finalise task and one e-mail task per chunk."""

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from badges.models import Assertion, IssueBatch, OutgoingEmail
from badges.services import batch_create, batch_start
from badges.services.emails import emails_send
from badges.services.issuing import EvidenceInput, IssueRow, assertions_issue_bulk
from badges.signals import assertions_issued
from badges.tasks import finalise_assertions, send_emails
from badges.verification import verify_badge
from tests.helpers import issue_batch_here

pytestmark = pytest.mark.django_db


def rows(count: int) -> list[IssueRow]:
    return [IssueRow(recipient_email=f"P{i}@Example.org", recipient_name=f"Personne {i}",
                     idempotency_key=f"test:{i}") for i in range(count)]


def test_a_chunk_is_issued_with_a_few_queries_and_two_tasks(badge_class, mediator, django_assert_max_num_queries,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(12):
        issued, skipped = assertions_issue_bulk(badge_class=badge_class, rows=rows(50), issued_by=mediator)
    assert (len(issued), skipped) == (50, 0)
    assert Assertion.objects.filter(badge_class=badge_class, recipient_email="p7@example.org").exists()
    assert OutgoingEmail.objects.filter(template="award", status=OutgoingEmail.Status.PENDING).count() == 50
    # the finalise task, the e-mail task and the announcement, once each for the chunk
    assert len(callbacks) == 3


def test_a_chunk_issued_again_is_skipped(badge_class, mediator):
    assertions_issue_bulk(badge_class=badge_class, rows=rows(3), issued_by=mediator)
    issued, skipped = assertions_issue_bulk(badge_class=badge_class, rows=rows(4), issued_by=mediator)
    assert [a.recipient_email for a in issued] == ["p3@example.org"] and skipped == 3
    assert Assertion.objects.count() == 4 and OutgoingEmail.objects.count() == 4


def test_pathways_hear_of_every_badge_of_a_chunk(badge_class, mediator, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, assertion_ids, badge_class_id, **kwargs):
        heard.extend(assertion_ids)

    assertions_issued.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            issued, _ = assertions_issue_bulk(badge_class=badge_class, rows=rows(3), issued_by=mediator,
                                              notify=False)
        for callback in callbacks:
            if "assertions_issued" in callback.__code__.co_names:
                callback()
    finally:
        assertions_issued.disconnect(listener)
    assert sorted(heard) == sorted(a.pk for a in issued)


def test_a_mediator_without_habilitation_issues_nothing_in_bulk(badge_class, mediator, issuer):
    """A mediator of the issuer, on a badge that requires the habilitation they do not hold (any longer)."""
    from django.core.exceptions import PermissionDenied

    from badges.services import assertion_revoke
    from tests.factories import BadgeClassFactory

    acteur = BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique", issued_by_staff_only=True)
    gated = BadgeClassFactory(issuer=issuer, required_badge=acteur)
    with pytest.raises(PermissionDenied):
        assertions_issue_bulk(badge_class=gated, rows=rows(2), issued_by=mediator)
    habilitation = Assertion.objects.create(badge_class=acteur, recipient_email=mediator.email)
    assert len(assertions_issue_bulk(badge_class=gated, rows=rows(1), issued_by=mediator)[0]) == 1
    assertion_revoke(assertion=habilitation, reason="A quitté le réseau")
    with pytest.raises(PermissionDenied):
        assertions_issue_bulk(badge_class=gated, rows=rows(3)[1:], issued_by=mediator)
    assert Assertion.objects.filter(badge_class=gated).count() == 1


def test_a_mediator_of_another_issuer_issues_nothing_in_bulk(badge_class, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        assertions_issue_bulk(badge_class=badge_class, rows=rows(2), issued_by=outsider)
    assert not Assertion.objects.exists()


def test_running_a_finalise_chunk_twice_signs_nothing_twice(badge_class, mediator):
    issued, _ = assertions_issue_bulk(badge_class=badge_class, rows=rows(3), issued_by=mediator)
    ids = [a.pk for a in issued]
    assert finalise_assertions(ids) == 3
    first = {a.pk: (a.ob3_credential["proof"][0]["proofValue"], a.ob2_jws, a.baked_png.name, a.baked_at)
             for a in Assertion.objects.filter(pk__in=ids)}
    assert all(value[2] for value in first.values())
    finalise_assertions(ids)
    again = {a.pk: (a.ob3_credential["proof"][0]["proofValue"], a.ob2_jws, a.baked_png.name, a.baked_at)
             for a in Assertion.objects.filter(pk__in=ids)}
    assert again == first


def test_badges_issued_by_a_batch_verify(badge_class, mediator, django_capture_on_commit_callbacks):
    data = b"nom;courriel\nSam;sam@example.org\nAli;ali@example.org\n"
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    batch_start(batch=batch, started_by=mediator)
    issue_batch_here(batch.pk)
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.DONE
    # Signed and baked by the chunk itself: nothing left for the finalise task.
    assert not Assertion.objects.filter(baked_at__isnull=True).exists()
    for assertion in Assertion.objects.all():
        with assertion.baked_png.open("rb") as handle:
            report = verify_badge(handle.read(), expected_email=assertion.recipient_email)
        assert report.status == "valid", [c for c in report.checks if not c.ok]
        assert verify_badge(assertion.ob2_jws, expected_email=assertion.recipient_email).status == "valid"
        assert verify_badge(assertion.ob3_jwt, expected_email=assertion.recipient_email).status == "valid"


def test_running_an_email_chunk_twice_sends_each_email_once(badge_class, mediator):
    assertions_issue_bulk(badge_class=badge_class, rows=rows(3), issued_by=mediator)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    assert send_emails(ids) == 3
    send_emails(ids)
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert "/badges/claim/" in mail.outbox[0].body
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(OutgoingEmail.Status.SENT, 1)}


class RefusesOneAddress(EmailBackend):
    """An SMTP server that refuses one recipient (what a full mailbox looks like)."""

    def send_messages(self, messages):
        if any("p1@example.org" in message.to for message in messages):
            raise ConnectionRefusedError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_a_failing_email_in_a_chunk_is_recorded_failed_and_the_others_are_sent(badge_class, mediator, settings):
    settings.EMAIL_BACKEND = "tests.badges.test_bulk_issuing.RefusesOneAddress"
    assertions_issue_bulk(badge_class=badge_class, rows=rows(3), issued_by=mediator)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    failed = emails_send(email_ids=ids)
    assert [email.to for email in failed] == ["p1@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p2@example.org"]
    refused = OutgoingEmail.objects.get(to="p1@example.org")
    assert refused.status == OutgoingEmail.Status.FAILED and "550 mailbox unavailable" in refused.last_error
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2


def test_the_email_task_retries_only_the_failed_emails(badge_class, mediator, settings):
    settings.EMAIL_BACKEND = "tests.badges.test_bulk_issuing.RefusesOneAddress"
    assertions_issue_bulk(badge_class=badge_class, rows=rows(2), issued_by=mediator)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    with pytest.raises(Retry):
        send_emails.apply(args=[ids], throw=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    refused = OutgoingEmail.objects.get(to="p1@example.org")
    send_emails([refused.pk])
    refused.refresh_from_db()
    assert refused.status == OutgoingEmail.Status.SENT and refused.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]


@pytest.fixture(params=["ids taken first", "inserted then signed"])
def id_reservation(request, monkeypatch):
    """Both ways a worker writes a signed chunk: PostgreSQL's, and the embedded SQLite's."""
    if request.param == "inserted then signed":
        from badges.services import issuing

        monkeypatch.setattr(issuing, "reserve_ids", lambda model, count: None)
    return request.param


def test_a_worker_issuing_a_chunk_signs_bakes_and_mails_it_without_more_tasks(
        badge_class, mediator, id_reservation, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    chunk = [IssueRow(recipient_email=f"p{i}@example.org", recipient_name=f"Personne {i}", idempotency_key=f"t:{i}",
                      evidence=(EvidenceInput(url=f"https://example.org/preuve/{i}", name="Photo"),))
             for i in range(20)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, django_assert_max_num_queries(20):
        issued, _ = assertions_issue_bulk(badge_class=badge_class, rows=chunk, issued_by=mediator, finalise_here=True)
    # the announcement and the e-mails sent here: no finalise task, no e-mail task (the cached
    # hosted documents are told the signed forms were written, in a callback of their own)
    assert len([c for c in callbacks if c.__module__ != "badges.document_cache"]) == 2
    assert len(mail.outbox) == 20 and mail.outbox[0].to == ["p0@example.org"]
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 20
    for assertion in Assertion.objects.filter(pk__in=[a.pk for a in issued]):
        assert assertion.baked_at and assertion.baked_png and assertion.baked_svg
        number = assertion.recipient_email[1:].split("@")[0]
        assert [e["id"] for e in assertion.ob3_credential["evidence"]] == [f"https://example.org/preuve/{number}"]
        assert assertion.evidence.get().url == f"https://example.org/preuve/{number}"
        with assertion.baked_svg.open("rb") as handle:
            assert verify_badge(handle.read(), expected_email=assertion.recipient_email).status == "valid"


def test_a_chunk_that_cannot_be_signed_is_issued_and_left_to_the_retrying_task(
        badge_class, mediator, id_reservation, monkeypatch, django_capture_on_commit_callbacks):
    from badges import issuing

    def broken(assertion, *, now=None):
        raise RuntimeError("key store unreachable")

    queued = []
    monkeypatch.setattr(issuing, "sign_documents", broken)
    monkeypatch.setattr(finalise_assertions, "apply_async", lambda args, **options: queued.append(*args))
    with django_capture_on_commit_callbacks(execute=True):
        issued, _ = assertions_issue_bulk(badge_class=badge_class, rows=rows(2), issued_by=mediator,
                                          notify=False, finalise_here=True)
    assert Assertion.objects.filter(bake_error__contains="key store unreachable").count() == 2
    assert queued == [[a.pk for a in issued]]
