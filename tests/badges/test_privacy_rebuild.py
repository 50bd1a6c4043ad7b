"""When the owner hides (or shows again) the observation or the evidence of their badge,
every signed and baked form follows: OB 2.0 JWS, OB 3.0 credential and VC-JWT, baked
PNG and SVG, rebuilt by a worker; the superseded ones are no longer served."""

import base64
import json
import time

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from badges.issuing import assertion_finalise, assertions_finalise
from badges.models import Assertion
from badges.openbadges import bake
from badges.services import EvidenceInput, assertion_issue
from badges.verification import verify_badge

SECRET_NARRATIVE = "A pleure pendant la seance mais a reussi"  # ASCII: JSON escapes accents
SECRET_EVIDENCE = "https://example.org/dossier-social-de-sam"


def payload(token: str) -> str:
    middle = token.split(".")[1]
    return base64.urlsafe_b64decode(middle + "=" * (-len(middle) % 4)).decode()


def signed_and_baked_forms(client: Client, assertion: Assertion) -> dict[str, str]:
    """Every form a verifier or a backpack can get, as the owner downloads them."""
    assertion.refresh_from_db()
    credential = client.get(reverse("ob:credential", kwargs={"public_id": assertion.public_id}),
                            HTTP_ACCEPT="application/ld+json")
    with assertion.baked_png.open("rb") as handle:
        png_text = bake.extract_png(handle.read())[1]
    with assertion.baked_svg.open("rb") as handle:
        svg_text = bake.extract_svg(handle.read())[1]
    return {"credential": credential.content.decode(), "ob3 jwt": payload(assertion.ob3_jwt),
            "ob2 jws": payload(assertion.ob2_jws), "png": png_text, "svg": svg_text}


def wait_until_baked(assertion: Assertion, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Assertion.objects.filter(pk=assertion.pk, baked_at__isnull=False).exists():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not re-sign the badge")


def choose(client: Client, assertion: Assertion, **shown: bool) -> None:
    response = client.post(reverse("wallet:badge_details", kwargs={"public_id": assertion.public_id}),
                           {name: "on" for name, value in shown.items() if value})
    assert response.status_code == 302


@pytest.mark.worker
def test_hiding_then_showing_again_rebuilds_every_signed_and_baked_form(celery_worker, badge_class, owner,
                                                                        beneficiary):
    assertion = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner,
                                narrative=SECRET_NARRATIVE, evidence=[EvidenceInput(url=SECRET_EVIDENCE)])
    wait_until_baked(assertion)
    client = Client()
    client.force_login(beneficiary)
    before = signed_and_baked_forms(client, assertion)
    assert all(SECRET_NARRATIVE in text and SECRET_EVIDENCE in text for text in before.values()), before
    old_png, old_svg = assertion.baked_png, assertion.baked_svg

    choose(client, assertion, show_evidence=False, show_narrative=False)
    wait_until_baked(assertion)
    hidden = signed_and_baked_forms(client, assertion)
    for form, text in hidden.items():
        assert SECRET_NARRATIVE not in text and SECRET_EVIDENCE not in text, form
    # The superseded files are gone, and their addresses serve nothing.
    assert client.get(old_png.url).status_code == 404 and client.get(old_svg.url).status_code == 404
    assert not default_storage.exists(old_png.name) and not default_storage.exists(old_svg.name)
    assert client.get(assertion.baked_png.url).status_code == 200
    assert verify_badge(json.loads(hidden["credential"])).status == "valid"

    choose(client, assertion, show_evidence=True, show_narrative=False)
    wait_until_baked(assertion)
    shown = signed_and_baked_forms(client, assertion)
    assert all(SECRET_EVIDENCE in text and SECRET_NARRATIVE not in text for text in shown.values()), shown


@pytest.mark.django_db
def test_until_the_worker_is_done_the_superseded_credential_is_not_served(client, badge_class, owner, beneficiary,
                                                                          django_capture_on_commit_callbacks):
    assertion = assertion_finalise(assertion=assertion_issue(
        badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner, narrative=SECRET_NARRATIVE))
    client.force_login(beneficiary)
    with django_capture_on_commit_callbacks(execute=True):
        choose(client, assertion, show_evidence=True, show_narrative=False)
    response = client.get(reverse("ob:credential", kwargs={"public_id": assertion.public_id}),
                          HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 404 and SECRET_NARRATIVE not in response.content.decode()
    download = client.get(reverse("wallet:badge_download", kwargs={"public_id": assertion.public_id, "fmt": "jwt"}))
    assert SECRET_NARRATIVE not in download.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("finalise", ["one", "chunk"])
def test_a_signature_made_before_the_owner_hid_the_observation_is_not_written(badge_class, owner, beneficiary,
                                                                              monkeypatch, finalise):
    """A worker that signed the old content while the owner changed it drops its result."""
    from badges import issuing

    assertion = assertion_issue(badge_class=badge_class, recipient_email=beneficiary.email, issued_by=owner,
                                narrative=SECRET_NARRATIVE)
    sign_and_bake = issuing._sign_and_bake

    def owner_hides_it_meanwhile(assertions):
        results = sign_and_bake(assertions)
        Assertion.objects.filter(pk=assertion.pk).update(show_narrative=False)
        return results

    monkeypatch.setattr(issuing, "_sign_and_bake", owner_hides_it_meanwhile)
    if finalise == "one":
        assertion_finalise(assertion=assertion)
    else:
        assertions_finalise(assertion_ids=[assertion.pk])
    assertion.refresh_from_db()
    assert assertion.baked_at is None and not assertion.ob3_jwt
    monkeypatch.setattr(issuing, "_sign_and_bake", sign_and_bake)
    assertion_finalise(assertion=assertion)  # the task queued by the owner's change
    assertion.refresh_from_db()
    assert SECRET_NARRATIVE not in payload(assertion.ob3_jwt)
