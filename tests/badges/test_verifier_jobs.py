"""The public verifier: the page records a job, a worker verifies, the page polls for the report.
The result belongs to the browser that asked, for an hour; one client cannot flood it."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges.issuing import assertion_finalise
from badges.models import VerificationJob
from badges.services import assertion_issue
from badges.services.verifier import verification_jobs_purge
from badges.tasks import run_verification_job
from tests.helpers import run_on_embedded_default

URL = "/badges/verifier/"


@pytest.fixture
def credential(badge_class, owner) -> str:
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner)
    return json.dumps(assertion_finalise(assertion=issued).ob3_credential)


def _submit(client, text: str, **extra):
    response = client.post(URL, {"text": text, "email": "sam@example.org"}, **extra)
    assert response.status_code == 302
    return VerificationJob.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[1]), response["Location"]


@pytest.mark.django_db
def test_the_page_polls_while_the_worker_verifies_then_shows_the_report(client, credential):
    job, result_url = _submit(client, credential)
    waiting = client.get(result_url).content.decode()
    assert "Vérification en cours" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    # It refreshes itself without a script of its own (only the site's static file).
    assert not re.search(r"<script(?![^>]*\bsrc=)", waiting)

    run_verification_job(job.pk)
    page = client.get(result_url).content.decode()
    assert "Ce badge est authentique et valide." in page
    assert "Il appartient bien à l'adresse e-mail indiquée." in page
    assert 'http-equiv="refresh"' not in page
    job.refresh_from_db()
    assert job.status == VerificationJob.Status.DONE
    assert job.text == "" and job.file is None  # what was submitted is not kept


@pytest.mark.django_db
def test_running_a_job_twice_verifies_once(client, credential):
    job, _url = _submit(client, credential)
    assert run_verification_job(job.pk) == "done"
    assert run_verification_job(job.pk) == "skipped"


@pytest.mark.django_db
def test_the_result_is_private_to_the_browser_that_asked(client, credential):
    job, result_url = _submit(client, credential)
    run_verification_job(job.pk)
    assert Client().get(result_url).status_code == 404
    assert client.get(reverse("badges:verify_result", kwargs={"token": "x" * 43})).status_code == 404
    assert len(job.token) >= 43


@pytest.mark.django_db
def test_a_result_expires_after_an_hour_and_is_purged(client, credential):
    job, result_url = _submit(client, credential)
    run_verification_job(job.pk)
    VerificationJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert client.get(result_url).status_code == 404
    assert run_verification_job(job.pk) == "skipped"
    assert verification_jobs_purge() == 1
    assert not VerificationJob.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_one_client_is_limited_to_ten_verifications_in_ten_minutes(client, db):
    for _ in range(10):
        assert client.post(URL, {"text": "{}"}).status_code == 302
    response = client.post(URL, {"text": "{}"})
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    assert VerificationJob.objects.count() == 10
    assert client.post(URL, {"text": "{}"}, REMOTE_ADDR="203.0.113.8").status_code == 302


@pytest.mark.worker
def test_a_real_worker_verifies_while_the_page_polls(celery_worker, credential):
    client = Client()
    job, result_url = _submit(client, credential)  # commits: the task goes to Redis, the worker takes it
    deadline = time.monotonic() + 30
    page = ""
    while time.monotonic() < deadline:
        page = client.get(result_url).content.decode()
        if "Vérification en cours" not in page:
            break
        time.sleep(0.2)
    assert "Ce badge est authentique et valide." in page
    job.refresh_from_db()
    assert job.status == VerificationJob.Status.DONE


EMBEDDED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import json
from django.db import connection
from django.test import Client
from badges.issuing import assertion_finalise
from badges.services import assertion_issue
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import BadgeClassFactory, IssuerFactory, UserFactory

assert connection.vendor == "sqlite"
issuer, owner = IssuerFactory(), UserFactory()
membership_set(issuer=issuer, user=owner, role=Membership.Role.OWNER)
issued = assertion_issue(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam@example.org",
                         recipient_name="Sam", issued_by=owner)
credential = json.dumps(assertion_finalise(assertion=issued).ob3_credential)
page = Client().post("/badges/verifier/", {"text": credential}, follow=True).content.decode()
print("valid" if "Ce badge est authentique et valide." in page else page)
"""


def test_the_embedded_default_verifies_in_process_and_shows_the_report_at_once(tmp_path):
    stdout = run_on_embedded_default(EMBEDDED, tmp_path)
    assert stdout.strip().splitlines()[-1] == "valid", stdout[-3000:]
