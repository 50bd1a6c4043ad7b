"""Every issued badge is signed, baked and hosted so that it verifies anywhere."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from badges import documents
from badges.issuing import assertion_finalise
from badges.models import Assertion
from badges.openbadges import bake, ob3, proofs
from badges.services import assertion_issue, assertion_revoke
from badges.verification import verify_badge
from issuers.models import SigningKey
from issuers.services import signing_key_create, signing_key_revoke

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture
def assertion(badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner, narrative="Observé à l'atelier.")
    return assertion_finalise(assertion=issued)


def test_a_finalised_badge_carries_every_format(assertion):
    assert assertion.baked_at is not None
    assert assertion.ob2_jws.count(".") == 2
    assert assertion.ob3_credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert assertion.ob3_credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
    assert assertion.ob3_jwt.count(".") == 2
    keyword, text = bake.extract_png(assertion.baked_png.read())
    assert keyword == "openbadgecredential" and json.loads(text)["id"] == assertion.ob3_credential["id"]
    assert bake.extract_svg(assertion.baked_svg.read())[0] == "credential"


def test_finalising_twice_signs_once(assertion):
    proof = assertion.ob3_credential["proof"][0]["proofValue"]
    again = assertion_finalise(assertion=assertion)
    assert again.ob3_credential["proof"][0]["proofValue"] == proof


@pytest.mark.parametrize("form", ["png", "svg", "ob2_jws", "ob3_jwt", "ob3_credential"])
def test_each_format_verifies_and_matches_its_recipient(assertion, form):
    data = getattr(assertion, f"baked_{form}").read() if form in ("png", "svg") else getattr(assertion, form)
    report = verify_badge(data, expected_email="sam@example.org")
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    assert report.recipient_match is True
    assert report.badge_name == "Je sais utiliser un ordinateur"


def test_a_tampered_credential_fails(assertion):
    credential = dict(assertion.ob3_credential)
    credential["name"] = "Je sais piloter un avion"
    report = verify_badge(credential)
    assert report.status == "invalid"


def test_the_hosted_assertion_answers_json_ld_to_machines_and_html_to_people(client, assertion):
    url = assertion.get_absolute_url()
    document = client.get(url, **JSON).json()
    assert document["type"] == "Assertion" and document["verification"] == {"type": "hosted"}
    assert document["recipient"]["identity"].startswith("sha256$") and "sam@" not in json.dumps(document)
    assert client.get(url, HTTP_ACCEPT="text/html").status_code == 404  # private by default: the page is hidden


def test_a_revoked_hosted_assertion_answers_410_and_fails_everywhere(client, assertion, owner):
    assertion_revoke(assertion=assertion, reason="Délivré par erreur", revoked_by=owner)
    response = client.get(assertion.get_absolute_url(), **JSON)
    assert response.status_code == 410 and response.json()["revoked"] is True
    for data in (assertion.ob3_credential, assertion.ob2_jws, assertion.baked_png.read()):
        report = verify_badge(data)
        assert report.status == "revoked"


def test_a_revoked_hosted_assertion_tells_machines_and_people_why(client, assertion, owner):
    assertion_revoke(assertion=assertion, reason="Délivré par erreur", revoked_by=owner)
    gone = client.get(assertion.get_absolute_url(), **JSON)
    assert gone.status_code == 410
    assert gone.json()["revocationReason"] == "Délivré par erreur"
    Assertion.objects.filter(pk=assertion.pk).update(visibility=Assertion.Visibility.PUBLIC)
    page = client.get(assertion.get_absolute_url(), HTTP_ACCEPT="text/html").content.decode()
    assert "Ce badge a été révoqué. Motif : Délivré par erreur" in page


def test_the_issuer_documents_list_every_key_so_old_badges_still_verify_after_rotation(client, assertion, issuer):
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    ob3 = client.get(f"/ob/issuers/{issuer.public_id}", **JSON).json()
    assert len(ob3["assertionMethod"]) == 2
    # OB 2.0 names one publicKey, the current one; the retired key is still served, owned by the issuer.
    ob2 = client.get(f"/ob/v2/issuers/{issuer.public_id}", **JSON).json()
    current = issuer.signing_keys.get(algorithm="RS256", retired_at__isnull=True)
    assert ob2["publicKey"] == documents.key_url(current)
    retired = client.get(f"/ob/keys/{assertion.signing_key_rsa.public_id}").json()
    assert retired["owner"] == ob2["id"]
    assert verify_badge(assertion.ob3_credential).status == "valid"
    assert verify_badge(assertion.ob2_jws).status == "valid"


def test_the_key_documents_are_multikey_and_cryptographic_key(client, issuer):
    ed = issuer.signing_keys.get(algorithm="Ed25519")
    rsa = issuer.signing_keys.get(algorithm="RS256")
    multikey = client.get(f"/ob/keys/{ed.public_id}").json()
    assert multikey["type"] == "Multikey" and multikey["publicKeyMultibase"].startswith("z6Mk")
    assert multikey["controller"].endswith(f"/ob/issuers/{issuer.public_id}")
    crypto = client.get(f"/ob/keys/{rsa.public_id}").json()
    assert crypto["type"] == "CryptographicKey" and "BEGIN PUBLIC KEY" in crypto["publicKeyPem"]


def test_a_compromised_key_fails_the_badges_it_signed_after_the_compromise(assertion, issuer):
    key = assertion.signing_key_ed25519
    signing_key_revoke(key=key, reason="Fuite", revoked_at=timezone.now() - timedelta(days=1))
    assert verify_badge(assertion.ob3_credential).status == "invalid"


def test_a_badge_signed_before_the_compromise_stays_valid(assertion, issuer):
    key = assertion.signing_key_ed25519
    signing_key_revoke(key=key, reason="Fuite", revoked_at=timezone.now() + timedelta(minutes=5))
    assert verify_badge(assertion.ob3_credential).status == "valid"


def test_private_keys_are_encrypted_at_rest(issuer):
    for key in issuer.signing_keys.all():
        assert b"PRIVATE KEY" not in bytes(key.private_key_encrypted)


def test_the_status_list_is_itself_a_signed_credential(client, assertion, issuer):
    number, index = assertion.status_list
    status = client.get(f"/ob/issuers/{issuer.public_id}/status/{number}").json()
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    issuer_id = assertion.ob3_credential["issuer"]["id"]
    assert status["issuer"] == issuer_id or status["issuer"].get("id") == issuer_id

    def resolve(vm: str) -> tuple[str, str]:
        """The key as a verifier finds it: the document its URL (or its did:web DID) serves on this site."""
        did = vm.split("#")[0]
        # did:web:<host>:a:b resolves to https://<host>/a/b/did.json
        path = "/" + "/".join(did.split(":")[3:]) + "/did.json" if did.startswith("did:web:") else urlsplit(vm).path
        document = client.get(path, HTTP_ACCEPT="application/ld+json").json()
        candidates = [document, *document.get("verificationMethod", []), *document.get("assertionMethod", [])]
        method = next(m for m in candidates if isinstance(m, dict) and m.get("id") == vm)
        return method["publicKeyMultibase"], method["controller"]

    result = proofs.verify_data_integrity_proof(status, resolve)
    assert result.verified, result.error
    assert result.controller == issuer_id
    # The proof covers the bits: a list whose bits were changed no longer verifies.
    subject = status["credentialSubject"]
    tampered = {**status, "credentialSubject": {**subject, "encodedList": subject["encodedList"][:-4] + "AAAA"}}
    if tampered["credentialSubject"]["encodedList"] == subject["encodedList"]:
        tampered["credentialSubject"]["encodedList"] = subject["encodedList"][:-4] + "BBBB"
    assert not proofs.verify_data_integrity_proof(tampered, resolve).verified


def test_the_verifier_never_fetches_private_network_addresses():
    report = verify_badge("http://10.0.0.1/badge.json")
    assert report.status == "invalid"
    assert any("réseau privé" in (c.message + c.detail) for c in report.checks)


def test_browsers_are_sent_from_machine_urls_to_the_human_page(client, issuer):
    response = client.get(f"/ob/issuers/{issuer.public_id}", HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response["Location"] == issuer.get_absolute_url()


def test_a_failed_signing_is_visible_to_staff_and_a_real_worker_signs_it_again(transactional_db, admin_client,
                                                                                badge_class, owner):
    import time

    from tests.worker import running_worker

    failed = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner)
    Assertion.objects.filter(pk=failed.pk).update(bake_error="OSError: disk full")
    done = assertion_finalise(assertion=assertion_issue(badge_class=badge_class, recipient_email="lea@example.org",
                                                        issued_by=owner))
    page = admin_client.get("/admin/badges/assertion/?bake=failed").content.decode()
    assert "sam@example.org" in page and "lea@example.org" not in page
    with running_worker():  # it starts by dropping the tasks queued above: only the action's remain
        response = admin_client.post("/admin/badges/assertion/", {
            "action": "finalise_again", "_selected_action": [failed.pk, done.pk]}, follow=True)
        assert "Signature et cuisson relancées." in response.content.decode()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            failed.refresh_from_db()
            if failed.baked_at is not None:
                break
            time.sleep(0.2)
    assert failed.baked_at is not None and failed.bake_error == ""
    assert verify_badge(failed.ob3_credential, expected_email="sam@example.org").status == "valid"
    assert bake.extract_png(failed.baked_png.read())[0] == "openbadgecredential"
    assert "sam@example.org" not in admin_client.get("/admin/badges/assertion/?bake=failed").content.decode()
    # A badge already baked is not signed again.
    again = Assertion.objects.get(pk=done.pk)
    assert again.baked_at == done.baked_at and again.ob3_credential == done.ob3_credential


def test_a_status_list_not_signed_by_the_issuer_is_not_trusted(assertion, owner, monkeypatch):
    """Whoever serves the list must not be able to un-revoke a badge."""
    from badges import verification

    assertion_revoke(assertion=assertion, reason="Erreur", revoked_by=owner)
    real_fetch = verification.safe_fetch

    def forged_fetch(url, **kwargs):
        status, ctype, body = real_fetch(url, **kwargs)
        if "/status/" in url:
            forged = json.loads(body)
            forged["credentialSubject"]["encodedList"] = ob3.encode_status_list(set())
            return status, ctype, json.dumps(forged).encode()
        return status, ctype, body

    monkeypatch.setattr(verification, "safe_fetch", forged_fetch)
    report = verify_badge(assertion.ob3_credential)
    assert report.status == "invalid"
    assert any("pas signée par l'émetteur" in c.message for c in report.checks)
