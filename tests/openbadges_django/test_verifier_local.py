"""The verifier reads our own documents by id (cache or database): no HTTP request to
ourselves, nothing signed again, and still every revocation, tampering and compromised key."""

import json
from datetime import timedelta

import pytest
import requests

from badges import verification
from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.openbadges import bake, proofs
from badges.services import assertion_issue, assertion_revoke
from badges.verification import verify_badge
from issuers.services import signing_key_revoke


def pyjwt_header(token: str) -> dict:
    import jwt

    return jwt.get_unverified_header(token) | jwt.decode(token, options={"verify_signature": False})


@pytest.fixture
def no_network(monkeypatch):
    """Any request leaving the process, to ourselves or anyone, fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"HTTP request made: {args} {kwargs}")

    monkeypatch.setattr(verification, "_fetch_remote", refuse)
    monkeypatch.setattr(requests.Session, "send", refuse)


@pytest.fixture
def no_views(monkeypatch):
    """Our documents are not obtained by calling a view either."""
    def refuse(*args, **kwargs):
        raise AssertionError("a view was called to get one of our documents")

    monkeypatch.setattr(verification, "_fetch_local_view", refuse)


@pytest.fixture
def assertion(badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def png_of(assertion: Assertion) -> bytes:
    with assertion.baked_png.open("rb") as handle:
        return handle.read()


@pytest.mark.usefixtures("no_network", "no_views")
def test_our_own_baked_png_verifies_without_any_http_request(assertion):
    report = verify_badge(png_of(assertion), expected_email="sam@example.org")
    assert report.valid and report.status == "valid", [c for c in report.checks if not c.ok]
    assert report.recipient_match is True


@pytest.mark.usefixtures("no_network", "no_views")
@pytest.mark.parametrize("form", ["ob2 hosted url", "ob2 jws", "ob3 credential", "ob3 jwt"])
def test_every_form_of_our_badge_verifies_locally(assertion, form):
    from badges import documents

    data = {"ob2 hosted url": documents.assertion_url(assertion), "ob2 jws": assertion.ob2_jws,
            "ob3 credential": assertion.ob3_credential, "ob3 jwt": assertion.ob3_jwt}[form]
    report = verify_badge(data)
    assert report.status == "valid", [c for c in report.checks if not c.ok]


@pytest.mark.usefixtures("no_network", "no_views")
def test_a_revocation_is_seen_locally_in_every_form(assertion, owner):
    png = png_of(assertion)
    for _ in range(2):  # the documents are cached and current now
        assert verify_badge(png).status == "valid"
    assertion_revoke(assertion=assertion, reason="Erreur de destinataire", revoked_by=owner)
    assert verify_badge(png).status == "revoked"
    assert verify_badge(assertion.ob3_credential).status == "revoked"
    assert verify_badge(assertion.ob2_jws).status == "revoked"


@pytest.mark.usefixtures("no_network", "no_views")
def test_a_tampered_badge_of_ours_fails_locally(assertion):
    tampered = json.loads(json.dumps(assertion.ob3_credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    assert verify_badge(tampered).status == "invalid"
    text = bake.extract_png(png_of(assertion))[1]
    assert verify_badge(text.replace("Je sais utiliser un ordinateur", "Autre badge")).status != "valid"


@pytest.mark.usefixtures("no_network", "no_views")
def test_a_compromised_key_is_seen_locally(assertion):
    png = png_of(assertion)
    for _ in range(2):  # the documents are cached and current now
        assert verify_badge(png).status == "valid"
    for key in (assertion.signing_key_rsa, assertion.signing_key_ed25519):
        signing_key_revoke(key=key, reason="Fuite", revoked_at=assertion.issued_on - timedelta(days=1))
    report = verify_badge(assertion.ob3_credential)
    assert report.status == "invalid"
    assert [c.message for c in report.checks if not c.ok][0].startswith("Clé compromise")


@pytest.mark.usefixtures("no_network")
def test_verifying_our_badge_signs_nothing_again(assertion, monkeypatch):
    verify_badge(png_of(assertion))  # the status list is signed once, when first asked for
    signed = []
    real = proofs.add_data_integrity_proof
    monkeypatch.setattr(proofs, "add_data_integrity_proof", lambda *a, **k: signed.append(a) or real(*a, **k))
    for _ in range(3):
        assert verify_badge(png_of(assertion)).status == "valid"
    assert signed == []


def test_a_foreign_document_still_goes_through_the_safe_fetcher(monkeypatch):
    asked = []

    def remote(url, **kwargs):
        asked.append(url)
        return 404, "text/plain", b""

    monkeypatch.setattr(verification, "_fetch_remote", remote)
    verify_badge("https://badges.example.net/assertions/1")
    assert asked == ["https://badges.example.net/assertions/1"]


@pytest.mark.usefixtures("no_network", "no_views")
def test_after_a_rotation_and_the_ob2_re_signing_the_cached_documents_follow(assertion, issuer):
    from badges.issuing import assertions_ob2_resign
    from issuers.models import SigningKey
    from issuers.services import signing_key_create

    for _ in range(2):  # every document the OB 2.0 JWS needs is cached now
        assert verify_badge(assertion.ob2_jws).status == "valid"
    old_jws = assertion.ob2_jws
    new_key = signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    assert assertions_ob2_resign(issuer_id=issuer.pk) == 1
    assertion.refresh_from_db()
    assert assertion.ob2_jws != old_jws
    # The re-signed badge names the new key, which the cached Profile now lists; the old one still verifies.
    report = verify_badge(assertion.ob2_jws)
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    assert str(new_key.public_id) in json.dumps(pyjwt_header(assertion.ob2_jws))
    assert verify_badge(old_jws).status == "valid"
