"""The verifier where other verifiers are right: did:web and did:key issuers, VC-JWT in
both forms (OB 3.0 §8.2 and VC 1.1), compromised keys judged by the signing moment at
full precision, unknown status types, extension contexts and terms no context defines."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest

from badges.openbadges import did, jsonld, keys, ob3, proofs
from badges.openbadges.jsonld import CREDENTIALS_V1, CREDENTIALS_V2, OB3_CONTEXT
from badges.openbadges.verify import verify

from .factories import NOW, FakeWeb, assertion, badge, issuer

DID = "did:web:issuer.example:ob:issuers:fablab"
DID_DOC_URL = "https://issuer.example/ob/issuers/fablab/did.json"
ED_VM = f"{DID}#ed-1"
RSA_VM = f"{DID}#rsa-1"
EXT_CONTEXT = "https://contexts.example/fablab/v1"
EXT_CONTEXT_DOC = {"@context": {"favouriteTool": "https://contexts.example/fablab#favouriteTool"}}
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture(scope="module")
def ed_pair():
    return keys.generate_ed25519()


@pytest.fixture(scope="module")
def rsa_pair():
    return keys.generate_rsa()


def did_document(ed_pair, rsa_pair, *, ed_revoked: str = "", rsa_revoked: str = "") -> dict:
    return did.did_document(DID, [did.MethodData(ED_VM, ed_pair.public_pem.decode(), ed_revoked),
                                  did.MethodData(RSA_VM, rsa_pair.public_pem.decode(), rsa_revoked)])


@pytest.fixture
def web(ed_pair, rsa_pair):
    return FakeWeb({DID_DOC_URL: did_document(ed_pair, rsa_pair)})


def credential(**overrides) -> dict:
    data = assertion(badge=badge(issuer=issuer(id=DID, public_key_urls=())), **overrides)
    return ob3.build_credential(data)


def signed(ed_pair, document=None, created: datetime | str = "2025-01-10T00:00:00Z") -> dict:
    return proofs.add_data_integrity_proof(document or credential(), ed_pair.private_pem, ED_VM, created)


# --- did:web / did:key ---------------------------------------------------------------


def test_a_did_web_names_its_host_port_and_path_as_the_method_says():
    assert did.did_web_for_url("https://badges.example.org/ob/issuers/42") == "did:web:badges.example.org:ob:issuers:42"
    assert did.did_web_for_url("http://127.0.0.1:8000/ob/issuers/42") == "did:web:127.0.0.1%3A8000:ob:issuers:42"
    assert did.did_web_document_url("did:web:badges.example.org:ob:issuers:42#k") == \
        "https://badges.example.org/ob/issuers/42/did.json"
    assert did.did_web_document_url("did:web:badges.example.org") == "https://badges.example.org/.well-known/did.json"
    # Plain http only for this machine, and only when the caller allows it.
    assert did.did_web_document_url("did:web:127.0.0.1%3A8000:x").startswith("https://127.0.0.1:8000/")
    assert did.did_web_document_url("did:web:127.0.0.1%3A8000:x", allow_loopback_http=True) == \
        "http://127.0.0.1:8000/x/did.json"
    assert did.did_web_document_url("did:web:evil.example:x", allow_loopback_http=True).startswith("https://")


def test_a_did_web_credential_is_valid_with_its_key_from_the_did_document(web, ed_pair):
    report = verify(signed(ed_pair), fetch=web, now=NOW)
    assert report.status == "valid", report.checks
    assert DID_DOC_URL in web.requested


def test_a_did_web_key_the_did_document_does_not_list_for_assertions_is_refused(web, ed_pair, rsa_pair):
    document = did_document(ed_pair, rsa_pair)
    document["assertionMethod"] = [RSA_VM]
    web[DID_DOC_URL] = document
    report = verify(signed(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert "assertionMethod" in next(c for c in report.checks if c.code == "signature").detail


def test_a_did_document_served_for_another_did_is_refused(web, ed_pair, rsa_pair):
    document = did_document(ed_pair, rsa_pair)
    document["id"] = "did:web:attacker.example"
    web[DID_DOC_URL] = document
    assert verify(signed(ed_pair), fetch=web, now=NOW).status == "invalid"


def test_the_static_fetcher_is_the_one_asked_for_did_documents(web, ed_pair):
    static = FakeWeb(dict(web.pages))
    dynamic = FakeWeb()
    assert verify(signed(ed_pair), fetch=dynamic, fetch_static=static, now=NOW).status == "valid"
    assert static.requested == [DID_DOC_URL] and dynamic.requested == []


def test_a_did_key_vc_jwt_is_valid_without_fetching(ed_pair):
    did_key = keys.did_key(ed_pair.public_multibase)
    document = credential()
    document["issuer"]["id"] = did_key
    kid = keys.did_key_verification_method(ed_pair.public_multibase)
    token = proofs.sign_vc_jwt(document, ed_pair.private_pem, kid)
    web = FakeWeb()
    assert verify(token, fetch=web, now=NOW).status == "valid"
    assert web.requested == []


def test_a_foreign_key_at_an_http_url_is_valid_when_its_controller_lists_it(ed_pair):
    profile_url, key_url = "http://issuer.example/profile", "http://issuer.example/keys/1"
    document = ob3.build_credential(assertion(badge=badge(issuer=issuer(id=profile_url, public_key_urls=()))))
    web = FakeWeb({profile_url: ob3.issuer_profile_document(issuer(id=profile_url, public_key_urls=(key_url,))),
                   key_url: ob3.multikey_document(key_url, profile_url, ed_pair.public_multibase)})
    document = proofs.add_data_integrity_proof(document, ed_pair.private_pem, key_url, NOW)
    assert verify(document, fetch=web, now=NOW).status == "valid"


def test_a_vc_1_1_credential_is_valid(web, ed_pair):
    document = {
        "@context": [CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
                     jsonld.DATA_INTEGRITY_V2],
        "id": "urn:uuid:0d3a6c51-1b52-4a9e-9a37-3f4f7d0a1c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": "Profile", "name": "Fab Lab"},
        "issuanceDate": "2024-03-01T00:00:00Z",
        "name": "Soudure",
        "credentialSubject": {"id": "did:example:alice", "type": "AchievementSubject",
                              "achievement": {"id": "https://issuer.example/a/1", "type": "Achievement",
                                              "name": "Soudure", "description": "Sait souder",
                                              "criteria": {"narrative": "Trois soudures"}}},
    }
    report = verify(signed(ed_pair, document), fetch=web, now=NOW)
    assert report.status == "valid", report.checks


# --- VC-JWT ---------------------------------------------------------------------------


def test_our_vc_jwt_follows_ob3_section_8_2(rsa_pair):
    document = credential(expires=datetime(2030, 1, 1, tzinfo=UTC))
    token = proofs.sign_vc_jwt(document, rsa_pair.private_pem, RSA_VM,
                               signed_at=datetime(2025, 1, 10, 0, 0, 1, 250000, tzinfo=UTC))
    assert pyjwt.get_unverified_header(token) == {"alg": "RS256", "kid": RSA_VM, "typ": "JWT"}
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert {k: v for k, v in claims.items() if k not in proofs.JWT_REGISTERED} == document
    assert claims["iss"] == DID and claims["jti"] == document["id"]
    assert claims["nbf"] == int(datetime(2025, 1, 10, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert claims["iat"] == 1736467201.25
    assert "sub" not in claims and "vc" not in claims  # our subject has no id: identified by a hashed e-mail


def test_an_rs256_vc_jwt_is_valid_with_the_jwk_of_the_did_document(web, rsa_pair):
    token = proofs.sign_vc_jwt(credential(), rsa_pair.private_pem, RSA_VM)
    report = verify(token, fetch=web, now=NOW, expected_email="alice@example.org")
    assert report.status == "valid", report.checks
    assert report.recipient_match and "RS256" in next(c for c in report.checks if c.code == "signature").detail


def test_a_vc_1_1_vc_claim_jwt_signed_eddsa_is_valid(web, ed_pair):
    document = credential()
    claims = {"iss": DID, "jti": document["id"], "nbf": int(datetime(2025, 1, 10, tzinfo=UTC).timestamp()),
              "vc": document}
    token = pyjwt.encode(claims, keys.load_private_pem(ed_pair.private_pem), algorithm="EdDSA",
                         headers={"kid": ED_VM})
    assert verify(token, fetch=web, now=NOW).status == "valid"


@pytest.mark.parametrize("claim, value", [("iss", "did:web:other.example"), ("jti", "urn:uuid:other"),
                                          ("nbf", 1000), ("sub", "did:example:mallory"), ("exp", 4102444800)])
def test_a_vc_jwt_whose_claims_do_not_match_its_credential_is_invalid(web, rsa_pair, claim, value):
    document = credential()
    payload = {**document, **proofs.jwt_claims(document), claim: value}
    token = pyjwt.encode(payload, keys.load_private_pem(rsa_pair.private_pem), algorithm="RS256",
                         headers={"kid": RSA_VM, "typ": "JWT"})
    report = verify(token, fetch=web, now=NOW)
    assert report.status == "invalid"
    assert claim in next(c for c in report.checks if c.code == "signature").detail


def test_a_tampered_vc_jwt_is_invalid(web, rsa_pair):
    token = proofs.sign_vc_jwt(credential(), rsa_pair.private_pem, RSA_VM)
    other = proofs.sign_vc_jwt({**credential(), "name": "Autre"}, rsa_pair.private_pem, RSA_VM)
    forged = ".".join([token.split(".")[0], other.split(".")[1], token.split(".")[2]])
    report = verify(forged, fetch=web, now=NOW)
    assert report.status == "invalid" and "La signature est invalide" in [c.message for c in report.checks]


# --- compromised keys -------------------------------------------------------------------

SIGNED_AT = datetime(2025, 1, 10, 9, 30, 0, 300000, tzinfo=UTC)


def _compromised_at(web, ed_pair, rsa_pair, moment: datetime) -> None:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    web[DID_DOC_URL] = did_document(ed_pair, rsa_pair, ed_revoked=stamp, rsa_revoked=stamp)


@pytest.mark.parametrize("form", ["data-integrity", "vc-jwt"])
def test_what_a_key_signed_before_it_was_compromised_stays_valid_at_full_precision(web, ed_pair, rsa_pair, form):
    # Compromised 0.2 s after signing, within the same second: whole seconds would refuse it.
    _compromised_at(web, ed_pair, rsa_pair, SIGNED_AT + timedelta(milliseconds=200))
    badge_form = signed(ed_pair, created=SIGNED_AT) if form == "data-integrity" else \
        proofs.sign_vc_jwt(credential(), rsa_pair.private_pem, RSA_VM, signed_at=SIGNED_AT)
    report = verify(badge_form, fetch=web, now=NOW)
    assert report.status == "valid", report.checks


@pytest.mark.parametrize("form", ["data-integrity", "vc-jwt"])
def test_what_a_key_signed_after_it_was_compromised_is_reported_as_a_compromised_key(web, ed_pair, rsa_pair, form):
    _compromised_at(web, ed_pair, rsa_pair, SIGNED_AT - timedelta(milliseconds=200))
    badge_form = signed(ed_pair, created=SIGNED_AT) if form == "data-integrity" else \
        proofs.sign_vc_jwt(credential(), rsa_pair.private_pem, RSA_VM, signed_at=SIGNED_AT)
    report = verify(badge_form, fetch=web, now=NOW)
    assert report.status == "invalid"
    messages = [c.message for c in report.checks if not c.ok]
    assert any(m.startswith("Clé compromise") for m in messages), messages
    assert "La signature est invalide" not in messages


# --- status ------------------------------------------------------------------------------


def test_an_unknown_status_type_is_a_warning_not_a_clean_bill(web, ed_pair):
    document = credential()
    document["@context"] = [*document["@context"], EXAMPLES_CONTEXT]
    document["credentialStatus"] = {"id": "https://status.example/1#3", "type": "ExampleStatusList2099"}
    report = verify(signed(ed_pair, document), fetch=web, now=NOW)
    assert report.status == "valid", report.checks
    [status] = [c for c in report.checks if c.code == "revocation"]
    assert status.message == "Statut de révocation impossible à vérifier" and status.level == "warning"
    assert "Le badge n'a pas été révoqué" not in [c.message for c in report.checks]


# --- contexts and terms the proof does not cover -------------------------------------------


def _with_extension(ed_pair) -> dict:
    document = credential()
    document["@context"] = [*document["@context"], EXT_CONTEXT]
    document["credentialSubject"]["favouriteTool"] = "Poste à souder"
    with jsonld.extra_contexts({EXT_CONTEXT: EXT_CONTEXT_DOC}):
        return signed(ed_pair, document)


def test_an_extension_context_we_do_not_ship_is_fetched_and_the_badge_is_valid(web, ed_pair):
    web[EXT_CONTEXT] = EXT_CONTEXT_DOC
    static = FakeWeb(dict(web.pages))
    report = verify(_with_extension(ed_pair), fetch=FakeWeb(), fetch_static=static, now=NOW)
    assert report.status == "valid", report.checks
    assert EXT_CONTEXT in static.requested  # through the cacheable fetcher


def test_an_extension_context_that_cannot_be_fetched_is_an_unknown_context_not_a_bad_signature(web, ed_pair):
    report = verify(_with_extension(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid"
    failed = [c for c in report.checks if not c.ok]
    assert failed[0].code == "context" and failed[0].message.startswith("Contexte inconnu")
    assert "La signature est invalide" not in [c.message for c in failed]


def test_a_property_added_after_signing_that_no_context_defines_makes_the_badge_invalid(web, ed_pair):
    document = signed(ed_pair)
    assert verify(copy.deepcopy(document), fetch=web, now=NOW).status == "valid"
    document["credentialSubject"]["favouriteColour"] = "bleu"  # no context defines it: the proof does not cover it
    report = verify(document, fetch=web, now=NOW)
    assert report.status == "invalid"
    assert "Le badge contient des informations que sa signature ne couvre pas" in [c.message for c in report.checks]


def test_a_proof_given_as_a_set_or_as_one_object_is_read(web, ed_pair):
    document = signed(ed_pair)
    assert isinstance(document["proof"], list)  # what we sign: a set, as the OB 3.0 schema wants
    assert verify(document, fetch=web, now=NOW).status == "valid"
    document["proof"] = document["proof"][0]  # what others may send: one object
    assert verify(document, fetch=web, now=NOW).status == "valid"


def test_a_credential_with_an_ob3_extensions_context_term_is_valid(web, ed_pair):
    document = credential()
    document["@context"] = [CREDENTIALS_V2, OB3_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
    document["credentialSchema"] = [{"id": ob3.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    assert verify(signed(ed_pair, document), fetch=web, now=NOW).status == "valid"
