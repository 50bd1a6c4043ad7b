"""The verifier names the holder of a genuine badge as its issuer recorded them, from what
the badge itself discloses only: a hashed e-mail address names nobody."""

import json

import pytest

from badges.openbadges import keys, ob2, ob3, proofs
from badges.openbadges.verify import verify

from .factories import ISSUER_ID, KEY_URL, NOW, STATUS_URL, FakeWeb, assertion, issuer, status_entry


@pytest.fixture(scope="module")
def ed_pair():
    return keys.generate_ed25519()


@pytest.fixture
def ob3_web(ed_pair):
    web = FakeWeb()
    web[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase)
    web[STATUS_URL] = proofs.add_data_integrity_proof(ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, set()),
                                                      ed_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")
    return web


def signed(ed_pair, **overrides) -> dict:
    credential = ob3.build_credential(assertion(**overrides), status=status_entry(7))
    return proofs.add_data_integrity_proof(credential, ed_pair.private_pem, KEY_URL, "2025-01-10T00:00:00Z")


def test_a_genuine_ob3_badge_names_its_holder(ob3_web, ed_pair):
    credential = signed(ed_pair, recipient_name="Alice Martin")
    assert credential["credentialSubject"]["name"] == "Alice Martin"
    report = verify(credential, fetch=ob3_web, now=NOW)
    assert report.status == "valid" and report.holder == "Alice Martin"


def test_a_hashed_email_is_not_a_name(ob3_web, ed_pair):
    report = verify(signed(ed_pair), fetch=ob3_web, now=NOW, expected_email="alice@example.org")
    assert report.status == "valid" and report.recipient_match and report.holder == ""


def test_a_tampered_badge_names_nobody(ob3_web, ed_pair):
    credential = signed(ed_pair, recipient_name="Alice Martin")
    credential["credentialSubject"]["name"] = "Mallory"
    report = verify(credential, fetch=ob3_web, now=NOW)
    assert report.status == "invalid" and report.holder == ""


def test_a_badge_naming_its_holder_by_a_page_in_clear_names_that_page(ob3_web, ed_pair):
    credential = signed(ed_pair, recipient_url="https://badges.example.org/passeport/p/alice/")
    assert credential["credentialSubject"]["id"] == "https://badges.example.org/passeport/p/alice/"
    assert "identifier" not in credential["credentialSubject"]
    assert verify(credential, fetch=ob3_web, now=NOW).holder == "https://badges.example.org/passeport/p/alice/"


def test_an_ob2_badge_names_its_holder_by_the_recipient_profile_extension_or_a_plain_identity():
    web = FakeWeb()
    data = assertion(recipient_url="https://badges.example.org/passeport/p/alice/")
    web[ISSUER_ID] = ob2.issuer_profile(issuer())
    web[data.badge.id] = ob2.badge_class(data.badge)
    web[issuer().revocation_list] = ob2.revocation_list(issuer().revocation_list, ISSUER_ID, [])
    document = ob2.assertion(data)
    assert document["recipient"] == {"type": "url", "hashed": False,
                                     "identity": "https://badges.example.org/passeport/p/alice/"}
    web[data.id] = document
    assert verify(data.id, fetch=web, now=NOW).holder == "https://badges.example.org/passeport/p/alice/"

    profiled = {**ob2.assertion(assertion()), "extensions:recipientProfile": {
        "@context": "https://openbadgespec.org/extensions/recipientProfile/context.json",
        "type": ["Extension", "extensions:RecipientProfile"], "name": "Alice  Martin"}}
    web[data.id] = profiled
    report = verify(json.dumps(profiled), fetch=web, now=NOW)
    assert report.status == "valid" and report.holder == "Alice Martin"
    web[data.id] = ob2.assertion(assertion())  # hashed e-mail only
    assert verify(data.id, fetch=web, now=NOW).holder == ""
