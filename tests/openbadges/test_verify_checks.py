"""The verifier's checks as a person reads them (engine level, no database): each check a
badge fails is shown failed, with its reason, and the boundaries fall on the safe side —
a badge expiring at this very moment has expired, a key compromised at the moment of
signing could not vouch for it, a hashed recipient matches whatever hash the issuer used."""

import copy
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from badges.openbadges import keys, ob3, proofs
from badges.openbadges.verify import ResolvedKey, _check_email, _compromised, verify

from .factories import ISSUER_ID, KEY_URL, NOW, STATUS_URL, FakeWeb, assertion, issuer, status_entry


@pytest.fixture(scope="module")
def ed_pair():
    return keys.generate_ed25519()


@pytest.fixture
def web(ed_pair):
    web = FakeWeb()
    web[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase)
    web[STATUS_URL] = proofs.add_data_integrity_proof(
        ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, set()), ed_pair.private_pem, KEY_URL,
        "2025-05-01T00:00:00Z")
    return web


def signed(ed_pair, credential=None, **overrides) -> dict:
    credential = credential or ob3.build_credential(assertion(**overrides), status=status_entry(7))
    return proofs.add_data_integrity_proof(credential, ed_pair.private_pem, KEY_URL, "2025-01-10T00:00:00Z")


def check(report, code):
    [found] = [c for c in report.checks if c.code == code]
    return found


# --- validity dates --------------------------------------------------------------------


def test_a_badge_not_valid_yet_is_invalid_and_says_so(web, ed_pair):
    report = verify(signed(ed_pair, issued_on=NOW + timedelta(days=1)), fetch=web, now=NOW)
    assert report.status == "invalid" and not report.valid
    expiry = check(report, "expiry")
    assert not expiry.ok and expiry.message == "Ce badge n'est pas encore valide"
    assert expiry.detail.startswith((NOW + timedelta(days=1)).date().isoformat())


def test_a_badge_valid_from_this_very_moment_is_valid(web, ed_pair):
    report = verify(signed(ed_pair, issued_on=NOW), fetch=web, now=NOW)
    assert report.status == "valid", report.checks


def test_a_badge_expiring_at_this_very_moment_has_expired_and_says_so(web, ed_pair):
    report = verify(signed(ed_pair, expires=NOW), fetch=web, now=NOW)
    assert report.status == "expired" and not report.valid
    expiry = check(report, "expiry")
    assert not expiry.ok and expiry.message == "Ce badge a expiré"
    assert expiry.detail.startswith(NOW.date().isoformat())


def test_a_badge_still_valid_says_when_it_expires_or_that_it_never_does(web, ed_pair):
    report = verify(signed(ed_pair, expires=NOW + timedelta(seconds=1)), fetch=web, now=NOW)
    assert report.status == "valid"
    assert check(report, "expiry").ok and check(report, "expiry").message == "Le badge n'a pas expiré"
    report = verify(signed(ed_pair), fetch=web, now=NOW)
    assert check(report, "expiry").ok and check(report, "expiry").message == "Ce badge n'a pas de date d'expiration"


def test_an_unreadable_validity_date_is_invalid_and_says_so(web, ed_pair):
    credential = ob3.build_credential(assertion(), status=status_entry(7))
    credential["validUntil"] = "la semaine prochaine"
    report = verify(signed(ed_pair, credential), fetch=web, now=NOW)
    assert report.status == "invalid"
    expiry = check(report, "expiry")
    assert not expiry.ok and expiry.message == "Date de validité illisible"
    assert expiry.detail.endswith("/ la semaine prochaine")


# --- which proof is checked ------------------------------------------------------------


def test_the_eddsa_proof_is_found_among_others(web, ed_pair):
    document = signed(ed_pair)
    foreign = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019", "proofPurpose": "assertionMethod",
               "verificationMethod": KEY_URL, "proofValue": "zabc"}
    document["proof"] = [foreign, *document["proof"]]
    report = verify(document, fetch=web, now=NOW)
    assert report.status == "valid", report.checks
    assert check(report, "signature").detail == f"eddsa-rdfc-2022, {KEY_URL}"


def test_a_badge_with_only_a_proof_we_cannot_check_is_invalid_and_says_why(web, ed_pair):
    document = signed(ed_pair)
    document["proof"] = [{**document["proof"][0], "cryptosuite": "ecdsa-rdfc-2019"}]
    report = verify(document, fetch=web, now=NOW)
    assert report.status == "invalid"
    signature = check(report, "signature")
    assert not signature.ok and signature.message == "La signature est invalide"
    assert "Preuve non prise en charge" in signature.detail


def test_a_key_of_another_issuer_is_named_as_such(web, ed_pair):
    web[KEY_URL] = ob3.multikey_document(KEY_URL, "https://other.example/issuer", ed_pair.public_multibase)
    report = verify(signed(ed_pair), fetch=web, now=NOW)
    assert check(report, "signature").message == \
        "La clé de signature est introuvable ou n'appartient pas à l'émetteur"


# --- compromised keys, recipients --------------------------------------------------------


def test_a_key_compromised_at_the_moment_of_signing_cannot_vouch_for_it(ed_pair):
    key = ResolvedKey(KEY_URL, None, ISSUER_ID, "2025-01-10T00:00:00Z")
    at = datetime(2025, 1, 10, tzinfo=UTC)
    assert _compromised(key, at)
    assert _compromised(key, at - timedelta(microseconds=1)) == ""


@pytest.mark.parametrize("alg", ["sha256", "md5", "SHA256"])
def test_a_hashed_recipient_matches_with_the_issuers_algorithm_and_salt(alg):
    for salt in ("pepper", ""):
        digest = hashlib.new(alg.lower(), ("alice@example.org" + salt).encode()).hexdigest()
        assert _check_email(f"{alg}${digest}", True, salt, " Alice@Example.org ")
        assert not _check_email(f"{alg}${digest}", True, salt, "bob@example.org")
        assert not _check_email(f"{alg}${digest}", True, salt + "x", "alice@example.org")


def test_a_hash_without_digest_or_with_an_unknown_algorithm_matches_nobody():
    assert not _check_email("sha256$", True, "", "")
    digest = hashlib.sha1(b"alice@example.org").hexdigest()
    assert not _check_email(f"sha1${digest}", True, "", "alice@example.org")
    assert _check_email("Alice@Example.org ", False, "", "alice@example.org")


def test_a_credential_copy_is_not_changed_by_verification(web, ed_pair):
    document = signed(ed_pair)
    before = copy.deepcopy(document)
    verify(document, fetch=web, now=NOW)
    assert document == before
