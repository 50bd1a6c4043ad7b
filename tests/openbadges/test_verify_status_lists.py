"""The verifier's revocation check of OB 3.0 credentials, at the engine level (no database):
a status list speaks for a badge only when the badge's issuer signed it, and only about the
purpose, index and bit the badge names. Each test is a way to make a revoked badge look valid
(or a valid one look revoked) that the verifier must not fall for."""

import copy

import pytest

from badges.openbadges import did, keys, ob3, proofs
from badges.openbadges.verify import verify

from .factories import ISSUER_ID, KEY_URL, NOW, STATUS_URL, FakeWeb, assertion, issuer, status_entry

OTHER_ISSUER = "https://other.example/issuers/impostor"
OTHER_KEY_URL = "https://other.example/keys/1"


@pytest.fixture(scope="module")
def ed_pair():
    return keys.generate_ed25519()


@pytest.fixture(scope="module")
def other_pair():
    return keys.generate_ed25519()


def status_list(pair, revoked: set[int], *, key_url: str = KEY_URL, list_issuer: str = ISSUER_ID,
                purpose: str = "revocation") -> dict:
    document = ob3.build_status_list_credential(STATUS_URL, list_issuer, revoked)
    document["credentialSubject"]["statusPurpose"] = purpose
    return proofs.add_data_integrity_proof(document, pair.private_pem, key_url, "2025-05-01T00:00:00Z")


@pytest.fixture
def web(ed_pair, other_pair):
    web = FakeWeb()
    web[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, ed_pair.public_multibase)
    web[OTHER_ISSUER] = ob3.issuer_profile_document(issuer(id=OTHER_ISSUER, public_key_urls=(OTHER_KEY_URL,)))
    web[OTHER_KEY_URL] = ob3.multikey_document(OTHER_KEY_URL, OTHER_ISSUER, other_pair.public_multibase)
    web[STATUS_URL] = status_list(ed_pair, {7})  # the badge (index 7) is revoked
    return web


def badge(ed_pair, *, status: dict | None = None) -> dict:
    credential = ob3.build_credential(assertion(), status=status_entry(7))
    if status is not None:
        credential["credentialStatus"] = status
    return proofs.add_data_integrity_proof(credential, ed_pair.private_pem, KEY_URL, "2025-01-10T00:00:00Z")


def revocation_check(report):
    return [c for c in report.checks if c.code == "revocation"]


def test_the_issuers_own_list_revokes_the_badge(web, ed_pair):
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "revoked" and not report.valid
    assert not revocation_check(report)[-1].ok  # shown failed, not ticked
    assert revocation_check(report)[-1].message == "Ce badge a été révoqué par son émetteur"
    assert STATUS_URL in revocation_check(report)[-1].detail


def test_a_list_stripped_of_its_proof_cannot_un_revoke_the_badge(web, ed_pair):
    unsigned = status_list(ed_pair, set())
    del unsigned["proof"]
    web[STATUS_URL] = unsigned
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid" and not report.valid
    assert not revocation_check(report)[-1].ok
    assert "n'est pas signée par l'émetteur" in revocation_check(report)[-1].message
    assert "aucune preuve" in revocation_check(report)[-1].detail


@pytest.mark.parametrize("proof", [[], {}, None, ""])
def test_an_empty_proof_is_no_proof(web, ed_pair, proof):
    unsigned = status_list(ed_pair, set())
    unsigned["proof"] = proof
    web[STATUS_URL] = unsigned
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"


def test_a_list_cleared_after_its_issuer_signed_it_cannot_un_revoke_the_badge(web, ed_pair):
    tampered = copy.deepcopy(web.pages[STATUS_URL])
    tampered["credentialSubject"]["encodedList"] = ob3.encode_status_list(set())
    web[STATUS_URL] = tampered
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert revocation_check(report)[-1].message == "La liste de révocation n'est pas signée par l'émetteur"
    assert revocation_check(report)[-1].detail == f"{STATUS_URL} : Signature Ed25519 invalide"


def test_a_list_signed_by_another_issuer_cannot_un_revoke_the_badge(web, ed_pair, other_pair):
    web[STATUS_URL] = status_list(other_pair, set(), key_url=OTHER_KEY_URL, list_issuer=OTHER_ISSUER)
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert revocation_check(report)[-1].message == "La liste de révocation n'est pas signée par l'émetteur"
    assert f"signée par {OTHER_ISSUER}" in revocation_check(report)[-1].detail


def test_a_list_that_names_another_issuer_than_its_signer_is_refused(web, ed_pair, other_pair):
    # Signed by the impostor's own key, but claiming to be the badge issuer's list.
    web[STATUS_URL] = status_list(other_pair, set(), key_url=OTHER_KEY_URL, list_issuer=ISSUER_ID)
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"
    # Signed by the badge issuer's key, but naming another issuer: not the issuer's word either.
    web[STATUS_URL] = status_list(ed_pair, set(), list_issuer=OTHER_ISSUER)
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"


def test_a_list_issued_as_an_object_is_read_by_its_id(web, ed_pair):
    document = ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, set())
    document["issuer"] = {"id": ISSUER_ID}
    web[STATUS_URL] = proofs.add_data_integrity_proof(document, ed_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "valid"


def test_a_missing_or_garbled_list_is_not_a_clean_bill(web, ed_pair):
    del web.pages[STATUS_URL]  # 404
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"
    web[STATUS_URL] = ["not", "a", "credential"]
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"


def test_a_list_for_another_purpose_says_nothing_about_revocation(web, ed_pair):
    # A (signed) suspension list with no bit set must not clear a badge whose entry is about revocation.
    web[STATUS_URL] = status_list(ed_pair, set(), purpose="suspension")
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert revocation_check(report)[-1].message == "La liste de statut ne correspond pas au badge"
    assert revocation_check(report)[-1].detail == f"{STATUS_URL} : suspension au lieu de revocation"


def test_a_suspended_badge_is_not_valid(web, ed_pair):
    web[STATUS_URL] = status_list(ed_pair, {7}, purpose="suspension")
    entry = {**ob3.status_entry(status_entry(7)), "statusPurpose": "suspension"}
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "revoked" and not report.valid
    assert report.revocation_reason == "suspendu"


def test_only_the_badges_own_index_counts(web, ed_pair):
    web[STATUS_URL] = status_list(ed_pair, {6, 8})  # the neighbours are revoked, not index 7
    report = verify(badge(ed_pair), fetch=web, now=NOW)
    assert report.status == "valid"
    assert revocation_check(report)[-1].ok and revocation_check(report)[-1].message == "Le badge n'a pas été révoqué"
    entry = {**ob3.status_entry(status_entry(7)), "statusListIndex": "8"}
    assert verify(badge(ed_pair, status=entry), fetch=web, now=NOW).status == "revoked"


def test_an_index_outside_the_list_or_an_unreadable_list_is_invalid(web, ed_pair):
    entry = {**ob3.status_entry(status_entry(7)), "statusListIndex": str(10**9)}
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert revocation_check(report)[-1].message == "La liste de statut est illisible"
    assert not revocation_check(report)[-1].ok and "out of range" in revocation_check(report)[-1].detail
    document = ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, set())
    document["credentialSubject"]["encodedList"] = "unot-gzip"
    web[STATUS_URL] = proofs.add_data_integrity_proof(document, ed_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "invalid"


def test_a_message_status_says_nothing_about_validity(web, ed_pair):
    entry = {**ob3.status_entry(status_entry(7)), "statusPurpose": "message"}
    assert verify(badge(ed_pair, status=entry), fetch=web, now=NOW).status == "valid"


def test_a_1edtech_revocation_list_revokes_with_its_reason(web, ed_pair):
    list_url = "https://badges.example.org/revocations/1"
    credential_id = assertion().id
    web[list_url] = {"revokedCredentials": [{"id": "urn:uuid:someone-else"},
                                            {"id": credential_id, "revocationReason": "Fraude"}]}
    entry = {"id": list_url, "type": "1EdTechRevocationList"}
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "revoked" and report.revocation_reason == "Fraude"
    assert revocation_check(report)[-1].message == "Ce badge a été révoqué par son émetteur : Fraude"
    assert revocation_check(report)[-1].detail == list_url
    web[list_url] = {"revokedCredentials": [{"id": credential_id}]}  # no reason given: none is made up
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "revoked" and report.revocation_reason == ""
    assert revocation_check(report)[-1].message == "Ce badge a été révoqué par son émetteur"
    web[list_url] = {"revokedCredentials": ["urn:uuid:someone-else"]}
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "valid"
    assert revocation_check(report)[-1].ok and revocation_check(report)[-1].message == "Le badge n'a pas été révoqué"
    web[list_url] = {"revokedAssertions": [credential_id]}
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "revoked" and report.revocation_reason == ""



# An issuer that moved to did:web signs its status list with the DID, while badges issued
# before keep their https issuer id: the two ids must name each other (alsoKnownAs, both ways).
DID = did.did_web_for_url(ISSUER_ID)
DID_VM = f"{DID}#ed-1"


@pytest.fixture
def moved(web, ed_pair):
    web[did.did_web_document_url(DID)] = did.did_document(
        DID, [did.MethodData(DID_VM, ed_pair.public_pem.decode())], also_known_as=(ISSUER_ID,))
    web[ISSUER_ID] = {**ob3.issuer_profile_document(issuer()), "alsoKnownAs": [DID]}
    web[STATUS_URL] = status_list(ed_pair, {7}, key_url=DID_VM, list_issuer=DID)
    return web


def test_a_list_signed_by_the_did_the_issuer_moved_to_speaks_for_its_older_badges(moved, ed_pair):
    report = verify(badge(ed_pair), fetch=moved, now=NOW)
    assert report.status == "revoked", report.checks
    moved[STATUS_URL] = status_list(ed_pair, set(), key_url=DID_VM, list_issuer=DID)
    assert verify(badge(ed_pair), fetch=moved, now=NOW).status == "valid"


@pytest.mark.parametrize("side", ["did document", "profile"])
def test_a_did_that_the_issuer_does_not_name_back_cannot_clear_its_badges(moved, ed_pair, side):
    moved[STATUS_URL] = status_list(ed_pair, set(), key_url=DID_VM, list_issuer=DID)
    if side == "did document":
        moved[did.did_web_document_url(DID)] = did.did_document(
            DID, [did.MethodData(DID_VM, ed_pair.public_pem.decode())], also_known_as=("https://elsewhere.example",))
    else:
        moved[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    report = verify(badge(ed_pair), fetch=moved, now=NOW)
    assert report.status == "invalid"
    assert f"signée par {DID}" in revocation_check(report)[-1].detail


def test_a_did_whose_document_cannot_be_read_cannot_clear_its_badges(moved, ed_pair):
    moved[STATUS_URL] = status_list(ed_pair, set(), key_url=DID_VM, list_issuer=DID)
    moved[did.did_web_document_url(DID)] = (500, "text/plain", b"oops")
    report = verify(badge(ed_pair), fetch=moved, now=NOW)
    assert report.status == "invalid"
    assert "n'est pas signée par l'émetteur" in revocation_check(report)[-1].message


def test_an_entry_that_does_not_name_its_purpose_is_a_revocation_entry(web, ed_pair):
    entry = ob3.status_entry(status_entry(7))
    del entry["statusPurpose"]
    assert verify(badge(ed_pair, status=entry), fetch=web, now=NOW).status == "revoked"


def test_a_list_that_does_not_name_its_purpose_serves_the_entrys(web, ed_pair):
    document = ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, {7})
    del document["credentialSubject"]["statusPurpose"]
    web[STATUS_URL] = proofs.add_data_integrity_proof(document, ed_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")
    assert verify(badge(ed_pair), fetch=web, now=NOW).status == "revoked"


def test_an_entry_without_an_index_reads_no_bit(web, ed_pair):
    web[STATUS_URL] = status_list(ed_pair, {1})
    entry = ob3.status_entry(status_entry(7))
    del entry["statusListIndex"]
    report = verify(badge(ed_pair, status=entry), fetch=web, now=NOW)
    assert report.status == "invalid"
    assert revocation_check(report)[-1].message == "La liste de statut est illisible"


class FailsAfter(FakeWeb):
    """Serves ``url`` the first ``times`` times, then answers 500 (a profile that goes away)."""

    def __init__(self, pages, url: str, times: int):
        super().__init__(pages)
        self.url, self.times = url, times

    def __call__(self, url: str):
        if url == self.url:
            self.times -= 1
            if self.times < 0:
                return 500, "text/plain", b"oops"
        return super().__call__(url)


def test_a_did_whose_https_profile_cannot_be_read_back_cannot_clear_its_badges(moved, ed_pair):
    moved[STATUS_URL] = status_list(ed_pair, set(), key_url=DID_VM, list_issuer=DID)
    probe = FakeWeb(moved.pages)
    assert verify(badge(ed_pair), fetch=probe, now=NOW).status == "valid"
    assert probe.requested.count(ISSUER_ID) >= 2  # the profile is read for the key, then for the DID
    flaky = FailsAfter(moved.pages, ISSUER_ID, probe.requested.count(ISSUER_ID) - 1)
    report = verify(badge(ed_pair), fetch=flaky, now=NOW)
    assert report.status == "invalid"
    assert f"signée par {DID}" in revocation_check(report)[-1].detail


def test_a_status_that_is_not_an_object_is_a_warning_not_a_crash(web, ed_pair):
    report = verify(badge(ed_pair, status="https://status.example/1"), fetch=web, now=NOW)
    warning = revocation_check(report)[-1]
    assert warning.level == "warning" and warning.message == "Statut de révocation impossible à vérifier"
    assert not warning.ok and warning.detail == "type de statut inconnu : 'https://status.example/1'"
    assert report.status == "valid"  # a warning: the person is told the revocation could not be checked
