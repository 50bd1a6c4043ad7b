"""The API v1 operations, each for the token's issuer and never for another's."""

import pytest
from django.utils import timezone

from badges import services
from badges.models import Assertion
from pathways.models import Pathway, PathwayStep
from tests.factories import AssertionFactory, BadgeClassFactory

pytestmark = pytest.mark.django_db


def issue(api, badge_class, **extra):
    return api.post("/api/v1/assertions/", {"badge_class": str(badge_class.public_id),
                                             "recipient_email": "Sam@Example.org", **extra}, format="json")


def test_badge_classes_are_listed_and_read_for_the_issuer_only(api, other_api, badge_class, other_badge_class):
    names = [item["name"] for item in api.get("/api/v1/badge-classes/").json()]
    assert names == [badge_class.name]
    assert api.get(f"/api/v1/badge-classes/{badge_class.public_id}/").json()["you_may_issue"] is True
    assert other_api.get(f"/api/v1/badge-classes/{badge_class.public_id}/").status_code == 404
    assert api.get(f"/api/v1/badge-classes/{other_badge_class.public_id}/").status_code == 404


def test_issuing_uses_the_form_s_rules_and_is_idempotent(api, owner, badge_class):
    first = issue(api, badge_class, idempotency_key="crm-42", narrative="Observé en atelier")
    again = issue(api, badge_class, idempotency_key="crm-42")
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assertion = Assertion.objects.get()
    assert assertion.issued_by == owner and assertion.issued_via == Assertion.Via.MEDIATOR
    assert assertion.recipient_email == "sam@example.org"
    assert assertion.emails.filter(template="award").exists(), "the award e-mail as from the form"


def test_a_token_cannot_issue_what_its_creator_may_not(api, issuer, badge_class):
    habilitation = BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique")
    badge_class.required_badge = habilitation
    badge_class.save()
    refused = issue(api, badge_class)
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert "habilité" in refused.json()["detail"]
    assert not Assertion.objects.exists()


def test_a_token_of_another_issuer_cannot_issue_our_badges_nor_reuse_our_keys(api, other_api, badge_class):
    assert issue(api, badge_class, idempotency_key="k").status_code == 201
    refused = issue(other_api, badge_class, idempotency_key="k")
    assert refused.status_code == 404
    assert Assertion.objects.count() == 1


def test_errors_are_problem_details_in_french_or_in_the_caller_s_language(api, badge_class):
    french = api.post("/api/v1/assertions/", {"badge_class": "pas-un-uuid"}, format="json")
    assert french.status_code == 400 and french["Content-Type"] == "application/problem+json"
    body = french.json()
    assert body["title"] == "Requête invalide" and body["status"] == 400 and "recipient_email" in body["errors"]
    english = api.post("/api/v1/assertions/", {"badge_class": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Invalid request"
    assert "required" in str(english.json()["errors"]["recipient_email"]).lower()


def test_assertions_are_listed_with_filters_and_cursor_pages(api, other_api, badge_class, other_badge_class):
    for n in range(5):
        AssertionFactory(badge_class=badge_class, recipient_email=f"p{n}@example.org")
    revoked = AssertionFactory(badge_class=badge_class, recipient_email="gone@example.org", revoked=True,
                               revocation_reason="Erreur")
    AssertionFactory(badge_class=other_badge_class)
    first = api.get("/api/v1/assertions/?page_size=4").json()
    assert len(first["results"]) == 4 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    ids = {item["id"] for item in first["results"] + second["results"]}
    assert len(ids) == 6
    assert [i["id"] for i in api.get("/api/v1/assertions/?status=revoked").json()["results"]] == [
        str(revoked.public_id)]
    assert len(api.get("/api/v1/assertions/?recipient_email=P1@example.org").json()["results"]) == 1
    assert api.get(f"/api/v1/assertions/?badge_class={other_badge_class.public_id}").json()["results"] == []
    tomorrow = (timezone.now() + timezone.timedelta(days=1)).date().isoformat()
    assert api.get(f"/api/v1/assertions/?issued_after={tomorrow}T00:00:00Z").json()["results"] == []
    assert len(other_api.get("/api/v1/assertions/").json()["results"]) == 1


def test_an_assertion_is_read_with_its_open_badges_links_by_its_issuer_only(api, other_api, badge_class):
    assertion = AssertionFactory(badge_class=badge_class)
    body = api.get(f"/api/v1/assertions/{assertion.public_id}/").json()
    assert {"ob2_hosted", "ob2_signed_jws", "ob3_credential", "ob3_jwt", "baked_png", "baked_svg"} <= set(
        body["links"])
    assert body["links"]["ob3_credential"].endswith(f"/ob/credentials/{assertion.public_id}")
    assert other_api.get(f"/api/v1/assertions/{assertion.public_id}/").status_code == 404


def test_revoking_needs_a_reason_and_stays_within_the_issuer(api, other_api, badge_class):
    assertion = AssertionFactory(badge_class=badge_class)
    url = f"/api/v1/assertions/{assertion.public_id}/revoke/"
    assert other_api.post(url, {"reason": "Malveillance"}, format="json").status_code == 404
    assert api.post(url, {"reason": " "}, format="json").status_code == 400
    response = api.post(url, {"reason": "Erreur de saisie"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assertion.refresh_from_db()
    assert assertion.revoked and assertion.revocation_reason == "Erreur de saisie"


@pytest.fixture
def submitted(requestable):
    application, _resumed = services.application_start(badge_class=requestable, name="Sam", email="sam@example.org")
    services.application_save(application=application, answers={"Quel mail avez-vous envoyé ?": "Un CV"})
    return services.application_submit(application=application)


def test_applications_are_listed_and_decided_for_the_issuer_only(api, other_api, submitted):
    listed = api.get("/api/v1/applications/?status=submitted").json()["results"]
    assert [item["id"] for item in listed] == [str(submitted.public_id)]
    assert other_api.get("/api/v1/applications/").json()["results"] == []
    url = f"/api/v1/applications/{submitted.public_id}"
    assert other_api.post(f"{url}/accept/", {}, format="json").status_code == 404
    assert api.post(f"{url}/refuse/", {"comment": "  "}, format="json").status_code == 400, "a refusal explains"
    accepted = api.post(f"{url}/accept/", {"comment": "Bravo"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api.post(f"{url}/refuse/", {"comment": "Trop tard"}, format="json").status_code == 409
    submitted.refresh_from_db()
    assert submitted.assertion.recipient_email == "sam@example.org"


def test_a_recipient_s_progress_in_a_pathway_is_read_by_its_issuer_only(api, other_api, issuer, badge_class):
    second = BadgeClassFactory(issuer=issuer, name="Je sais gérer mes fichiers")
    pathway = Pathway.objects.create(issuer=issuer, name="Pré-requis fondamentaux")
    PathwayStep.objects.create(pathway=pathway, badge_class=badge_class, order=1)
    PathwayStep.objects.create(pathway=pathway, badge_class=second, order=2)
    AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org")
    url = f"/api/v1/pathways/{pathway.public_id}/progress/?recipient_email=Sam@example.org"
    body = api.get(url).json()
    assert body["held_count"] == 1 and body["step_count"] == 2 and body["complete"] is False
    assert [step["state"] for step in body["steps"]] == ["held", "available"]
    assert [p["id"] for p in api.get("/api/v1/pathways/").json()] == [str(pathway.public_id)]
    assert other_api.get(url).status_code == 404
    assert other_api.get("/api/v1/pathways/").json() == []


def test_a_job_of_another_issuer_is_not_found(api, other_api, badge_class):
    job = api.post("/api/v1/assertions/batch/", {"badge_class": str(badge_class.public_id), "assertions": [
        {"recipient_email": "a@example.org"}]}, format="json").json()
    assert api.get(f"/api/v1/jobs/{job['id']}/").status_code == 200
    assert other_api.get(f"/api/v1/jobs/{job['id']}/").status_code == 404


def test_the_older_endpoint_still_issues(client, owner, badge_class):
    client.force_login(owner)
    response = client.post("/api/assertions/issue/", {"badge_class": str(badge_class.public_id),
                                                      "recipient_email": "sam@example.org", "idempotency_key": "x"},
                           content_type="application/json")
    assert response.status_code == 201
