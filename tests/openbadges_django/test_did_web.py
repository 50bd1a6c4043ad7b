"""did:web issuers: the DID, its document, what is issued by it, and the badges signed
before it (https issuer ids) that must keep verifying."""

import json
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
from django.utils import timezone

from badges import documents, issuing, verification
from badges.models import Assertion
from badges.openbadges import ob3, proofs
from badges.openbadges.keys import load_public_pem
from badges.services import assertion_issue, assertion_revoke
from badges.verification import verify_badge
from issuers.keystore import private_key_for
from issuers.models import SigningKey
from issuers.services import signing_key_create, signing_key_revoke

JSON = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture
def assertion(badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner)
    return issuing.assertion_finalise(assertion=issued)


def test_an_issuer_did_names_the_site_host_its_port_and_the_profile_path(issuer, settings):
    settings.SITE_URL = "https://badges.example.org"
    assert documents.issuer_did(issuer) == f"did:web:badges.example.org:ob:issuers:{issuer.public_id}"
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert documents.issuer_did(issuer) == f"did:web:127.0.0.1%3A8000:ob:issuers:{issuer.public_id}"


def test_the_did_document_is_served_where_did_web_resolution_looks(client, issuer):
    response = client.get(f"/ob/issuers/{issuer.public_id}/did.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/did+ld+json"
    doc = response.json()
    did = documents.issuer_did(issuer)
    assert doc["id"] == did
    assert doc["alsoKnownAs"] == [documents.ob3_issuer_url(issuer)]
    methods = {m["id"]: m for m in doc["verificationMethod"]}
    ed = issuer.signing_keys.get(algorithm=SigningKey.Algorithm.ED25519)
    rsa = issuer.signing_keys.get(algorithm=SigningKey.Algorithm.RSA)
    ed_method, rsa_method = methods[f"{did}#{ed.public_id}"], methods[f"{did}#{rsa.public_id}"]
    assert ed_method["type"] == "Multikey" and ed_method["publicKeyMultibase"].startswith("z6Mk")
    assert ed_method["publicKeyJwk"]["kty"] == "OKP" and ed_method["publicKeyJwk"]["crv"] == "Ed25519"
    assert rsa_method["type"] == "JsonWebKey" and rsa_method["publicKeyJwk"]["kty"] == "RSA"
    assert "d" not in rsa_method["publicKeyJwk"] and "d" not in ed_method["publicKeyJwk"]
    assert {m["controller"] for m in methods.values()} == {did}
    assert set(doc["assertionMethod"]) == set(methods)
    # The JWK is the key itself.
    assert pyjwt.algorithms.RSAAlgorithm.from_jwk(rsa_method["publicKeyJwk"]).public_numbers() == \
        load_public_pem(rsa.public_key_pem).public_numbers()


def test_the_did_document_keeps_retired_and_compromised_keys_with_the_date_at_full_precision(client, issuer):
    old = issuer.signing_keys.get(algorithm=SigningKey.Algorithm.ED25519)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    compromised_at = datetime(2026, 3, 1, 10, 0, 0, 412345, tzinfo=UTC)
    signing_key_revoke(key=old, reason="Fuite", revoked_at=compromised_at)
    doc = client.get(f"/ob/issuers/{issuer.public_id}/did.json").json()
    methods = {m["id"]: m for m in doc["verificationMethod"]}
    assert len([m for m in methods.values() if m["type"] == "Multikey"]) == 3  # old, retired, current
    assert methods[documents.signing_key_method_id(old)]["revoked"] == "2026-03-01T10:00:00.412345Z"


def test_the_https_profile_stays_and_names_the_did(client, issuer):
    profile = client.get(f"/ob/issuers/{issuer.public_id}", **JSON).json()
    assert profile["id"] == documents.ob3_issuer_url(issuer)
    assert profile["alsoKnownAs"] == [documents.issuer_did(issuer)]
    ed = issuer.signing_keys.get(algorithm=SigningKey.Algorithm.ED25519)
    assert profile["assertionMethod"] == [documents.key_url(ed)]  # badges signed before did:web name it


def test_credentials_endorsements_and_status_lists_are_issued_by_the_did(client, assertion, issuer):
    did = documents.issuer_did(issuer)
    credential = assertion.ob3_credential
    assert credential["issuer"]["id"] == did
    assert credential["proof"][0]["verificationMethod"] == f"{did}#{assertion.signing_key_ed25519.public_id}"
    number, _index = assertion.status_list
    status_list = client.get(f"/ob/issuers/{issuer.public_id}/status/{number}").json()
    assert status_list["issuer"] == did and status_list["proof"][0]["verificationMethod"].startswith(did + "#")


def test_the_vc_jwt_is_the_credential_signed_rs256_with_a_kid_that_dereferences_to_a_jwk(client, assertion, issuer):
    header = pyjwt.get_unverified_header(assertion.ob3_jwt)
    rsa = assertion.signing_key_rsa
    assert header == {"alg": "RS256", "typ": "JWT", "kid": documents.signing_key_method_id(rsa)}
    did_doc = client.get(f"/ob/issuers/{issuer.public_id}/did.json").json()
    [jwk] = [m["publicKeyJwk"] for m in did_doc["verificationMethod"] if m["id"] == header["kid"]]
    claims = pyjwt.decode(assertion.ob3_jwt, pyjwt.PyJWK(jwk, algorithm="RS256"), algorithms=["RS256"],
                          options={"verify_nbf": False})
    unsigned = {k: v for k, v in assertion.ob3_credential.items() if k != "proof"}
    assert {k: v for k, v in claims.items() if k not in proofs.JWT_REGISTERED} == unsigned
    assert claims["iss"] == documents.issuer_did(issuer) and claims["jti"] == unsigned["id"]
    assert "sub" not in claims and "vc" not in claims
    assert verify_badge(assertion.ob3_jwt, expected_email="sam@example.org").status == "valid"


def _legacy_credential(assertion: Assertion) -> dict:
    """What we issued before did:web: the https issuer id, the key by its https URL."""
    credential = documents.ob3_unsigned_credential(assertion)
    https_id = documents.ob3_issuer_url(assertion.badge_class.issuer)
    credential["issuer"]["id"] = https_id
    credential["credentialSubject"]["achievement"]["creator"]["id"] = https_id
    key = assertion.signing_key_ed25519
    return proofs.add_data_integrity_proof(credential, private_key_for(key), documents.key_url(key),
                                           timezone.now())


def test_a_badge_signed_before_did_web_with_an_https_issuer_still_verifies(assertion):
    legacy = _legacy_credential(assertion)
    report = verify_badge(legacy)
    # Its status list is now signed by the DID: the DID and the Profile name each other.
    assert report.status == "valid", [c for c in report.checks if not c.ok]


def test_a_vc_jwt_of_before_did_web_still_verifies(assertion):
    """EdDSA, the credential in the vc claim, sub = the hashed e-mail, kid = the key's https URL."""
    legacy = _legacy_credential(assertion)
    unsigned = {k: v for k, v in legacy.items() if k != "proof"}
    claims = {"iss": unsigned["issuer"]["id"], "jti": unsigned["id"],
              "sub": unsigned["credentialSubject"]["identifier"][0]["identityHash"],
              "nbf": int(datetime.fromisoformat(unsigned["validFrom"].replace("Z", "+00:00")).timestamp()),
              "vc": unsigned}
    key = assertion.signing_key_ed25519
    token = pyjwt.encode(claims, private_key_for(key), algorithm="EdDSA",
                         headers={"kid": documents.key_url(key), "typ": "JWT"})
    report = verify_badge(token)
    assert report.status == "valid", [c for c in report.checks if not c.ok]


def test_a_vc_jwt_signed_before_its_key_was_compromised_stays_valid_like_the_other_forms(assertion):
    # Compromised a moment after signing, within the same second as the signature.
    signed_at = timezone.now().replace(microsecond=100000)
    signed = issuing.sign_documents(assertion, now=signed_at)
    for key in (assertion.signing_key_rsa, assertion.signing_key_ed25519):
        signing_key_revoke(key=key, reason="Fuite", revoked_at=signed_at + timedelta(milliseconds=300))
    for form in (signed["ob3_jwt"], signed["ob3_credential"]):
        report = verify_badge(form)
        assert report.status == "valid", [c for c in report.checks if not c.ok]


def test_what_a_compromised_key_signed_afterwards_is_reported_as_a_compromised_key(assertion):
    signed_at = timezone.now().replace(microsecond=500000)
    signed = issuing.sign_documents(assertion, now=signed_at)
    for key in (assertion.signing_key_rsa, assertion.signing_key_ed25519):
        signing_key_revoke(key=key, reason="Fuite", revoked_at=signed_at - timedelta(milliseconds=300))
    for form in (signed["ob3_jwt"], signed["ob3_credential"]):
        report = verify_badge(form)
        assert report.status == "invalid"
        failed = [c.message for c in report.checks if not c.ok]
        assert failed and failed[0].startswith("Clé compromise"), failed


def test_a_status_list_stripped_of_its_proof_cannot_un_revoke_a_badge(assertion, owner, monkeypatch):
    assertion_revoke(assertion=assertion, reason="Erreur", revoked_by=owner)
    assert verify_badge(assertion.ob3_credential).status == "revoked"
    real_fetch = verification.safe_fetch

    def stripped_fetch(url, **kwargs):
        status, ctype, body = real_fetch(url, **kwargs)
        if "/status/" in url:
            stripped = json.loads(body)
            del stripped["proof"]
            stripped["credentialSubject"]["encodedList"] = ob3.encode_status_list(set())
            return status, ctype, json.dumps(stripped).encode()
        return status, ctype, body

    monkeypatch.setattr(verification, "safe_fetch", stripped_fetch)
    report = verify_badge(assertion.ob3_credential)
    assert report.status != "valid"
    assert any("pas signée par l'émetteur" in c.message for c in report.checks)


def test_did_documents_of_other_servers_are_cached_ours_never(settings):
    asked = []

    def fetch(url):
        asked.append(url)
        return 200, "application/did+ld+json", b'{"id": "did:web:other.example"}'

    cached = verification.cached_fetch(fetch)
    for _ in range(2):
        cached("https://other.example/.well-known/did.json")
        cached(settings.SITE_URL + "/ob/issuers/x/did.json")
    assert asked == ["https://other.example/.well-known/did.json", settings.SITE_URL + "/ob/issuers/x/did.json",
                     settings.SITE_URL + "/ob/issuers/x/did.json"]


def test_an_issuer_endorsement_made_before_did_web_still_verifies_in_new_badges(badge_class, owner, endorser_user):
    from endorsements import documents as endorsement_documents
    from endorsements import services as endorsement_services
    from endorsements.models import Endorsement

    issuer = badge_class.issuer
    invitation = endorsement_services.endorsement_invite(
        invited_by=owner, organisation_name="Région", email="contact@region.example", issuer=issuer)
    endorser = endorsement_services.endorser_create(user=endorser_user, name="Région", email="contact@region.example")
    endorsement = endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user,
                                                          endorser=endorser, statement="Un réseau sérieux.")
    assert endorsement.ob3_credential["credentialSubject"]["id"] == documents.issuer_did(issuer)
    # The copy signed before did:web named the issuer by its https Profile.
    legacy = endorsement_documents.endorsement_credential(endorsement)
    legacy["credentialSubject"]["id"] = documents.ob3_issuer_url(issuer)
    key = endorser.keys.get()
    signed = proofs.add_data_integrity_proof(legacy, private_key_for(key),
                                             endorsement_documents.endorser_key_method_id(key), timezone.now())
    Endorsement.objects.filter(pk=endorsement.pk).update(ob3_credential=signed)
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner)
    report = verify_badge(issuing.assertion_finalise(assertion=issued).ob3_credential)
    assert report.status == "valid"
    [check] = [c for c in report.checks if c.code == "endorsement"]
    assert check.ok, check.detail
