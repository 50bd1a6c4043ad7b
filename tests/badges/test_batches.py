import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.models import Assertion, Evidence, IssueBatch
from badges.services import batch_chunk_run, batch_create, batch_run, batch_start, csv_check
from badges.services import batches as batches_service
from tests.helpers import issue_batch_here

pytestmark = pytest.mark.django_db

FRENCH_CSV = (
    "\ufeffNom;Courriel;Observation;Date;Remarque\n"
    "Sam Martin;sam@example.org;A créé son compte seul;12/03/2026;x\n"
    "Ali Ben;ali@example;;;\n"
    "Sam Martin;SAM@example.org;;;\n"
    "Zoé Roy;zoe@example.org;;31/02/2026;\n"
    "Léa Petit;lea@example.org;;;\n"
    ";;;;\n"
).encode()


def test_a_french_excel_file_is_checked_row_by_row(badge_class):
    report = csv_check(badge_class=badge_class, data=FRENCH_CSV)
    assert [row["email"] for row in report.rows] == ["sam@example.org", "lea@example.org"]
    assert report.rows[0]["issued_on"] == "2026-03-12" and report.rows[0]["narrative"] == "A créé son compte seul"
    reasons = {row["line"]: row["reasons"] for row in report.rejected}
    assert reasons == {3: ["adresse e-mail invalide"], 4: ["ligne en double (même e-mail que la ligne 2)"],
                       5: ["date illisible (attendu : JJ/MM/AAAA)"]}
    assert report.warnings == ["Colonne inconnue « Remarque » : elle est ignorée."]


def test_someone_who_already_holds_the_badge_is_rejected(badge_class):
    Assertion.objects.create(badge_class=badge_class, recipient_email="lea@example.org")
    report = csv_check(badge_class=badge_class, data=b"name,email\nLea,lea@example.org\nSam,sam@example.org\n")
    assert [row["email"] for row in report.rows] == ["sam@example.org"]
    assert report.rejected[0]["reasons"] == ["possède déjà ce badge"]


def test_a_file_without_an_email_column_is_refused_as_a_whole(client, mediator, badge_class):
    client.force_login(mediator)
    response = client.post(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id}),
                           {"file": SimpleUploadedFile("groupe.csv", b"nom;telephone\nSam;0600000000\n")})
    assert "Aucune colonne d&#x27;adresse e-mail trouvée" in response.content.decode()
    assert not IssueBatch.objects.exists()


def test_nothing_is_issued_before_the_mediator_confirms(client, mediator, badge_class):
    client.force_login(mediator)
    response = client.post(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id}),
                           {"file": SimpleUploadedFile("groupe.csv", FRENCH_CSV)}, follow=True)
    page = response.content.decode()
    assert "2 lignes valides" in page and "3 lignes rejetées" in page and "adresse e-mail invalide" in page
    assert "Délivrer le badge aux 2 lignes valides" in page
    assert not Assertion.objects.exists()


def test_confirming_queues_the_batch_and_the_worker_issues_it(client, mediator, badge_class,
                                                              django_capture_on_commit_callbacks):
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=FRENCH_CSV)
    client.force_login(mediator)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("partner:batch_start", kwargs={"public_id": batch.public_id}))
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.QUEUED and callbacks
    assert issue_batch_here(batch.pk) == 1
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.DONE
    assert (batch.total, batch.done, batch.skipped) == (2, 2, 0)
    sam = Assertion.objects.get(recipient_email="sam@example.org")
    assert sam.issued_by == mediator and sam.narrative == "A créé son compte seul"
    assert sam.issued_on.date().isoformat() == "2026-03-12"
    progress = client.get(reverse("partner:batch_progress", kwargs={"public_id": batch.public_id})).json()
    assert progress["finished"] and progress["issued"] == 2 and progress["percent"] == 100


def test_issuing_the_same_file_twice_does_not_issue_twice(mediator, badge_class):
    data = b"nom,e-mail,lien\nSam,sam@example.org,https://example.org/preuve\n"
    first = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    second = batch_create(badge_class=badge_class, created_by=mediator, data=data)
    for batch in (first, second):
        batch_start(batch=batch, started_by=mediator)
        issue_batch_here(batch.pk)
    assert Assertion.objects.count() == 1
    assert Evidence.objects.get().url == "https://example.org/preuve"
    second.refresh_from_db()
    assert second.skipped == 1 and second.status == IssueBatch.Status.DONE


def test_a_batch_restarted_issues_only_the_chunks_not_committed(mediator, badge_class, monkeypatch):
    monkeypatch.setattr(batches_service, "CHUNK_SIZE", 2)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(5))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"name,email\n{rows}".encode())
    batch_start(batch=batch, started_by=mediator)
    (first, first_rows), *_rest = batch_run(batch_id=batch.pk)
    assert batch_chunk_run(batch_id=batch.pk, offset=first, rows=first_rows)
    # The worker dies; the batch task runs again.
    assert [offset for offset, _rows in batch_run(batch_id=batch.pk)] == [2, 4]
    assert issue_batch_here(batch.pk) == 2
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (IssueBatch.Status.DONE, 5)
    assert Assertion.objects.count() == 5


def test_a_chunk_delivered_twice_is_issued_and_counted_once(mediator, badge_class, monkeypatch):
    monkeypatch.setattr(batches_service, "CHUNK_SIZE", 2)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(3))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"name,email\n{rows}".encode())
    batch_start(batch=batch, started_by=mediator)
    chunks = batch_run(batch_id=batch.pk)
    offset, chunk_rows = chunks[0]
    assert batch_chunk_run(batch_id=batch.pk, offset=offset, rows=chunk_rows)
    assert not batch_chunk_run(batch_id=batch.pk, offset=offset, rows=chunk_rows)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped) == (IssueBatch.Status.RUNNING, 2, 0)
    offset, chunk_rows = chunks[1]
    batch_chunk_run(batch_id=batch.pk, offset=offset, rows=chunk_rows)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped) == (IssueBatch.Status.DONE, 3, 0)
    assert Assertion.objects.count() == 3


def test_ten_thousand_rows_are_checked_with_one_query_for_holders(badge_class, django_assert_max_num_queries):
    rows = "".join(f"Personne {i};p{i}@example.org;;01/02/2026\n" for i in range(10_000))
    with django_assert_max_num_queries(1):
        report = csv_check(badge_class=badge_class, data=f"nom;e-mail;observation;date\n{rows}".encode())
    assert len(report.rows) == 10_000


def test_the_rejected_rows_download_as_csv(client, mediator, badge_class):
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=FRENCH_CSV)
    client.force_login(mediator)
    response = client.get(reverse("partner:batch_rejected", kwargs={"public_id": batch.public_id}))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "3;Ali Ben;ali@example;;;;adresse e-mail invalide\r\n" in body


def test_a_mediator_of_another_issuer_sees_nothing_of_the_batch(client, outsider, mediator, badge_class):
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=FRENCH_CSV)
    client.force_login(outsider)
    for name in ("batch_detail", "batch_progress", "batch_rejected"):
        assert client.get(reverse(f"partner:{name}", kwargs={"public_id": batch.public_id})).status_code == 404
    assert client.post(reverse("partner:batch_start", kwargs={"public_id": batch.public_id})).status_code == 404
    assert client.get(reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id})).status_code == 404
    batch.refresh_from_db()
    assert batch.status == IssueBatch.Status.CHECKED


@pytest.mark.worker
def test_a_real_worker_issues_a_batch_with_visible_progress(celery_worker, mediator, badge_class):
    import time

    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(30))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"name,email\n{rows}".encode())
    batch_start(batch=batch, started_by=mediator)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == IssueBatch.Status.DONE:
            break
        time.sleep(0.2)
    assert batch.status == IssueBatch.Status.DONE and batch.done == 30
    assert Assertion.objects.filter(badge_class=badge_class).count() == 30


def test_a_batch_that_stopped_is_resumed_by_the_mediator_and_issues_each_row_once(
        client, mediator, badge_class, monkeypatch, django_capture_on_commit_callbacks):
    from badges.services.batches import batch_fail

    monkeypatch.setattr(batches_service, "CHUNK_SIZE", 2)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(5))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"name,email\n{rows}".encode())
    batch_start(batch=batch, started_by=mediator)
    (offset, chunk), *_rest = batch_run(batch_id=batch.pk)
    batch_chunk_run(batch_id=batch.pk, offset=offset, rows=chunk)
    batch_fail(batch_id=batch.pk, error="OperationalError: connexion perdue")
    client.force_login(mediator)
    page = client.get(reverse("partner:batch_detail", kwargs={"public_id": batch.public_id})).content.decode()
    assert "connexion perdue" in page and "Reprendre la délivrance" in page

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("partner:batch_start", kwargs={"public_id": batch.public_id}))
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (IssueBatch.Status.QUEUED, "") and callbacks
    assert issue_batch_here(batch.pk) == 2
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped) == (IssueBatch.Status.DONE, 5, 0)
    assert Assertion.objects.count() == 5
