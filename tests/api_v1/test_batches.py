"""A batch of up to 1,000 assertions: 202 and a job, done by the real worker."""

import time

import pytest

from badges.models import Assertion
from tests.api_v1.conftest import bearer


def test_a_batch_is_answered_202_and_issued_by_the_worker_idempotently(celery_worker, owner, issuer, badge_class,
                                                                      token_of):
    _token, secret = token_of(issuer, owner)
    api = bearer(secret)
    rows = [{"recipient_email": f"p{n}@example.org", "recipient_name": f"Personne {n}",
             "idempotency_key": f"session-7-{n}"} for n in range(120)]
    response = api.post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id),
                                                      "narrative": "Atelier du mardi", "assertions": rows},
                        format="json")
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == job["url"] and job["total"] == 120
    deadline = time.monotonic() + 60
    while api.get(f"/api/v1/jobs/{job['id']}/").json()["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
    done = api.get(f"/api/v1/jobs/{job['id']}/").json()
    assert done["status"] == "done" and done["done"] == 120
    assert Assertion.objects.filter(badge_class=badge_class, issued_by=owner).count() == 120
    assert Assertion.objects.filter(idempotency_key=f"api:{issuer.pk}:session-7-3").exists()
    again = api.post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id),
                                                   "assertions": rows[:10]}, format="json").json()
    while api.get(f"/api/v1/jobs/{again['id']}/").json()["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert api.get(f"/api/v1/jobs/{again['id']}/").json()["skipped"] == 10
    assert Assertion.objects.count() == 120


@pytest.mark.django_db
def test_a_batch_over_1000_is_refused(owner, issuer, badge_class, token_of):
    _token, secret = token_of(issuer, owner)
    rows = [{"recipient_email": f"p{n}@example.org"} for n in range(1001)]
    response = bearer(secret).post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id),
                                                                 "assertions": rows}, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
