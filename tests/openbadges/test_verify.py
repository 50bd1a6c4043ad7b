import json
from datetime import UTC, datetime

import pytest

from badges.openbadges import bake, keys, ob2, ob3, proofs
from badges.openbadges.data import RevokedAssertion
from badges.openbadges.verify import verify

from .factories import ISSUER_ID, KEY_URL, NOW, STATUS_URL, FakeWeb, assertion, issuer, status_entry


@pytest.fixture(scope="module")
def rsa_pair():
    return keys.generate_rsa()


@pytest.fixture(scope="module")
def ed_pair():
    return keys.generate_ed25519()


# --- OB 2.0 -------------------------------------------------------------------------


@pytest.fixture
def ob2_web(rsa_pair):
    data = assertion()
    web = FakeWeb()
    web[ISSUER_ID] = ob2.issuer_profile(issuer())
    web[data.badge.id] = ob2.badge_class(data.badge)
    web[KEY_URL] = ob2.cryptographic_key(KEY_URL, ISSUER_ID, rsa_pair.public_pem)
    web[issuer().revocation_list] = ob2.revocation_list(issuer().revocation_list, ISSUER_ID, [])
    web[data.id] = ob2.assertion(data)
    return web


def test_a_hosted_ob2_badge_is_valid(ob2_web):
    report = verify(assertion().id, fetch=ob2_web, now=NOW, expected_email="Alice@Example.org")
    assert report.status == "valid", report.checks
    assert report.valid and report.version == "ob2"
    assert report.badge_name == "Soudure à l'arc" and report.issuer_name == "Fab Lab de Lyon"
    assert report.recipient_match is True
    assert any(c.message == "Le badge n'a pas été révoqué" for c in report.checks)


def test_a_hosted_badge_answering_410_is_revoked(ob2_web):
    ob2_web[assertion().id] = (410, "text/plain", b"")
    report = verify(json.dumps(ob2.assertion(assertion())), fetch=ob2_web, now=NOW)
    assert report.status == "revoked" and not report.valid


def test_a_hosted_badge_marked_revoked_is_revoked(ob2_web):
    ob2_web[assertion().id] = {**ob2.assertion(assertion()), "revoked": True, "revocationReason": "Fraude"}
    report = verify(assertion().id, fetch=ob2_web, now=NOW)
    assert report.status == "revoked" and report.revocation_reason == "Fraude"


def test_a_badge_in_the_revocation_list_is_revoked_with_its_reason(ob2_web):
    url = issuer().revocation_list
    ob2_web[url] = ob2.revocation_list(url, ISSUER_ID, [RevokedAssertion(assertion().id, "Erreur de saisie")])
    report = verify(assertion().id, fetch=ob2_web, now=NOW)
    assert report.status == "revoked"
    assert "Ce badge a été révoqué par son émetteur : Erreur de saisie" in [c.message for c in report.checks]


def test_a_revocation_list_of_a_single_entry_by_uid_is_honoured(ob2_web):
    url = issuer().revocation_list
    ob2_web[assertion().id] = {**ob2.assertion(assertion()), "uid": "abc-1"}
    ob2_web[url] = {"id": url, "type": "RevocationList", "revokedAssertions": {"uid": "abc-1"}}
    assert verify(assertion().id, fetch=ob2_web, now=NOW).status == "revoked"


def test_an_expired_ob2_badge_is_expired(ob2_web):
    data = assertion(expires=datetime(2025, 3, 1, tzinfo=UTC))
    ob2_web[data.id] = ob2.assertion(data)
    report = verify(data.id, fetch=ob2_web, now=NOW)
    assert report.status == "expired" and not report.valid


def test_a_signed_ob2_badge_baked_in_a_png_is_valid(ob2_web, rsa_pair):
    from .test_bake import _png

    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=KEY_URL), rsa_pair.private_pem)
    report = verify(bake.bake_png(_png(), token), fetch=ob2_web, now=NOW, expected_email="bob@example.org")
    assert report.status == "valid", report.checks
    assert "La signature est valide" in [c.message for c in report.checks]
    assert report.recipient_match is False  # reported, but the badge itself stays valid


def test_a_tampered_signed_ob2_badge_is_invalid(ob2_web, rsa_pair):
    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=KEY_URL), rsa_pair.private_pem)
    other = ob2.sign_assertion(
        ob2.assertion(assertion(recipient_email="eve@example.org"), signing_key_url=KEY_URL), rsa_pair.private_pem
    )
    forged = ".".join([token.split(".")[0], other.split(".")[1], token.split(".")[2]])
    report = verify(forged, fetch=ob2_web, now=NOW)
    assert report.status == "invalid"


def test_a_key_owned_by_someone_else_is_refused(ob2_web, rsa_pair):
    ob2_web[KEY_URL] = ob2.cryptographic_key(KEY_URL, "https://other.example/issuer", rsa_pair.public_pem)
    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=KEY_URL), rsa_pair.private_pem)
    report = verify(token, fetch=ob2_web, now=NOW)
    assert report.status == "invalid"
    assert "La clé de signature n'appartient pas à l'émetteur du badge" in [c.message for c in report.checks]


def test_a_retired_key_the_issuer_still_serves_as_its_own_keeps_its_badges_valid(ob2_web, rsa_pair):
    # After a rotation the OB 2.0 Profile lists only the current key.
    retired = f"{ISSUER_ID}/keys/0"
    ob2_web[ISSUER_ID] = ob2.issuer_profile(issuer(public_key_urls=(KEY_URL,)))
    ob2_web[retired] = ob2.cryptographic_key(retired, ISSUER_ID, rsa_pair.public_pem)
    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=retired), rsa_pair.private_pem)
    assert verify(token, fetch=ob2_web, now=NOW).status == "valid"


def test_a_key_on_another_origin_claiming_the_issuer_is_refused(ob2_web, rsa_pair):
    forged = "https://attacker.example/key"
    ob2_web[forged] = ob2.cryptographic_key(forged, ISSUER_ID, rsa_pair.public_pem)
    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=forged), rsa_pair.private_pem)
    report = verify(token, fetch=ob2_web, now=NOW)
    assert report.status == "invalid"
    assert "La clé de signature n'appartient pas à l'émetteur du badge" in [c.message for c in report.checks]


def test_a_key_revoked_before_issuance_invalidates_the_signature(ob2_web, rsa_pair):
    ob2_web[KEY_URL] = ob2.cryptographic_key(KEY_URL, ISSUER_ID, rsa_pair.public_pem, revoked="2024-12-01T00:00:00Z")
    token = ob2.sign_assertion(ob2.assertion(assertion(), signing_key_url=KEY_URL), rsa_pair.private_pem)
    assert verify(token, fetch=ob2_web, now=NOW).status == "invalid"


def test_a_badgr_style_hosted_badge_with_embedded_plain_recipient_is_read(ob2_web):
    # Other platforms use "type": "Assertion" with plain identities and date-only issuedOn
    doc = {
        **ob2.assertion(assertion()),
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "issuedOn": "2025-01-10",
    }
    ob2_web[assertion().id] = doc
    report = verify(doc, fetch=ob2_web, now=NOW, expected_email="ALICE@example.org")
    assert report.valid and report.recipient_match


# --- OB 3.0 -------------------------------------------------------------------------


@pytest.fixture
def ob3_web(ed_pair):
    web = FakeWeb()
    web[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase)
    web[STATUS_URL] = _status_list(ed_pair, set())
    return web


def _status_list(ed_pair, revoked: set[int]) -> dict:
    # A status list speaks for a badge only when its issuer signed it.
    return proofs.add_data_integrity_proof(ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, revoked),
                                           ed_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")


def _signed(ed_pair, **overrides):
    credential = ob3.build_credential(assertion(**overrides), status=status_entry(7))
    return proofs.add_data_integrity_proof(credential, ed_pair.private_pem, KEY_URL, "2025-01-10T00:00:00Z")


def test_an_ob3_credential_with_a_data_integrity_proof_is_valid(ob3_web, ed_pair):
    report = verify(_signed(ed_pair), fetch=ob3_web, now=NOW, expected_email="alice@example.org")
    assert report.status == "valid", report.checks
    assert report.version == "ob3" and report.recipient_match
    assert report.document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_a_credential_whose_proof_is_one_object_rather_than_an_array_is_valid_too(ob3_web, ed_pair):
    # Our badges signed before December 2026, and other platforms', carry "proof": {...}.
    signed = _signed(ed_pair)
    signed["proof"] = signed["proof"][0]
    assert verify(signed, fetch=ob3_web, now=NOW).status == "valid"


@pytest.mark.parametrize("as_array", [True, False])
def test_the_signing_date_is_read_from_the_proof_in_either_form_against_a_compromised_key(ob3_web, ed_pair,
                                                                                         as_array):
    ob3_web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase,
                                             revoked="2025-01-05T00:00:00Z")
    signed = _signed(ed_pair)  # signed on 2025-01-10, after the compromise
    if not as_array:
        signed["proof"] = signed["proof"][0]
    assert verify(signed, fetch=ob3_web, now=NOW).status == "invalid"
    # Compromised after the badge and after its status list (signed 2025-05-01) were signed.
    ob3_web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase,
                                             revoked="2025-06-01T00:00:00Z")
    assert verify(signed, fetch=ob3_web, now=NOW).status == "valid"


def test_an_ob3_credential_baked_in_an_svg_is_valid(ob3_web, ed_pair):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    baked = bake.bake_svg(svg, json.dumps(_signed(ed_pair)), version="ob3")
    assert verify(baked, fetch=ob3_web, now=NOW).status == "valid"


def test_a_tampered_ob3_credential_is_invalid(ob3_web, ed_pair):
    credential = _signed(ed_pair)
    credential["credentialSubject"]["achievement"]["name"] = "Plongée"
    report = verify(credential, fetch=ob3_web, now=NOW)
    assert report.status == "invalid"
    assert "La signature est invalide" in [c.message for c in report.checks]


def test_an_ob3_credential_revoked_in_the_status_list_is_revoked(ob3_web, ed_pair):
    ob3_web[STATUS_URL] = _status_list(ed_pair, {7})
    assert verify(_signed(ed_pair), fetch=ob3_web, now=NOW).status == "revoked"


def test_an_expired_ob3_credential_is_expired(ob3_web, ed_pair):
    credential = _signed(ed_pair, expires=datetime(2025, 2, 1, tzinfo=UTC))
    assert verify(credential, fetch=ob3_web, now=NOW).status == "expired"


def test_an_ob3_key_controlled_by_another_issuer_is_refused(ob3_web, ed_pair):
    ob3_web[KEY_URL] = ob3.multikey_document(KEY_URL, "https://other.example/issuer", ed_pair.public_multibase)
    report = verify(_signed(ed_pair), fetch=ob3_web, now=NOW)
    assert report.status == "invalid"


def test_an_ob3_key_the_issuer_profile_does_not_list_is_refused(ob3_web, ed_pair):
    ob3_web[ISSUER_ID] = ob3.issuer_profile_document(issuer(public_key_urls=()))
    assert verify(_signed(ed_pair), fetch=ob3_web, now=NOW).status == "invalid"


def test_an_ob3_key_revoked_before_signing_is_refused(ob3_web, ed_pair):
    ob3_web[KEY_URL] = ob3.multikey_document(
        KEY_URL, ISSUER_ID, ed_pair.public_multibase, revoked="2025-01-01T00:00:00Z"
    )
    assert verify(_signed(ed_pair), fetch=ob3_web, now=NOW).status == "invalid"


def test_an_ob3_vc_jwt_is_valid(ob3_web, ed_pair):
    token = proofs.sign_vc_jwt(ob3.build_credential(assertion(), status=status_entry(7)), ed_pair.private_pem, KEY_URL)
    report = verify(token, fetch=ob3_web, now=NOW)
    assert report.status == "valid", report.checks
    assert report.document["id"] == assertion().id


def test_a_did_key_credential_from_another_stack_is_valid_without_fetching_keys(ed_pair):
    did = keys.did_key(ed_pair.public_multibase)
    credential = ob3.build_credential(assertion(), include_schema=False)
    credential["issuer"] = {"id": did, "type": ["Profile"], "name": "Autre plateforme"}
    signed = proofs.add_data_integrity_proof(
        credential, ed_pair.private_pem, keys.did_key_verification_method(ed_pair.public_multibase), NOW
    )
    web = FakeWeb()
    report = verify(signed, fetch=web, now=NOW)
    assert report.status == "valid", report.checks
    assert web.requested == []


def test_trusted_keys_are_used_without_fetching(ed_pair):
    web = FakeWeb()
    credential = ob3.build_credential(assertion())
    signed = proofs.add_data_integrity_proof(credential, ed_pair.private_pem, KEY_URL, NOW)
    report = verify(signed, fetch=web, now=NOW, trusted_keys={KEY_URL: (ed_pair.public_multibase, ISSUER_ID)})
    assert report.status == "valid", report.checks


def test_garbage_gives_an_invalid_report_not_an_exception():
    for junk in (b"\x89PNG\r\n\x1a\nxx", "not a badge", {"hello": "world"}, "a.b.c"):
        report = verify(junk, fetch=FakeWeb(), now=NOW)
        assert report.status == "invalid" and not report.valid
