"""OB 3.0 EndorsementCredentials: their shape, their embedding in a badge, and how
the verifier reports them (a warning, never a reason to refuse the badge)."""

import copy
from datetime import UTC, datetime

import pytest

from badges.openbadges import jsonld, keys, ob3, proofs
from badges.openbadges.data import EndorsementData, IssuerData
from badges.openbadges.verify import verify

from .factories import ISSUER_ID, KEY_URL, NOW, SITE, STATUS_URL, FakeWeb, assertion, badge, issuer, status_entry

ENDORSER_ID = f"{SITE}/endorsers/region"
ENDORSER_KEY = f"{SITE}/endorsers/keys/1"
ACHIEVEMENT_ID = badge().id


def endorser() -> IssuerData:
    return IssuerData(id=ENDORSER_ID, name="Région Bourgogne-Franche-Comté", url="https://region.example",
                      public_key_urls=(ENDORSER_KEY,))


def endorsement(subject_id: str = ACHIEVEMENT_ID, comment: str = "Nous apprécions ce badge.") -> dict:
    return ob3.endorsement_credential(EndorsementData(
        id=f"{SITE}/endorsements/e1", endorser=endorser(), subject_id=subject_id, comment=comment,
        valid_from=datetime(2025, 1, 5, tzinfo=UTC)))


@pytest.fixture(scope="module")
def issuer_pair():
    return keys.generate_ed25519()


@pytest.fixture(scope="module")
def endorser_pair():
    return keys.generate_ed25519()


@pytest.fixture
def web(issuer_pair, endorser_pair):
    web = FakeWeb()
    web[ISSUER_ID] = ob3.issuer_profile_document(issuer())
    web[KEY_URL] = ob3.multikey_document(KEY_URL, ISSUER_ID, issuer_pair.public_multibase)
    web[STATUS_URL] = proofs.add_data_integrity_proof(ob3.build_status_list_credential(STATUS_URL, ISSUER_ID, set()),
                                                      issuer_pair.private_pem, KEY_URL, "2025-05-01T00:00:00Z")
    web[ENDORSER_ID] = ob3.issuer_profile_document(endorser())
    web[ENDORSER_KEY] = ob3.multikey_document(ENDORSER_KEY, ENDORSER_ID, endorser_pair.public_multibase)
    return web


def signed_endorsement(endorser_pair, **kwargs) -> dict:
    return proofs.add_data_integrity_proof(endorsement(**kwargs), endorser_pair.private_pem, ENDORSER_KEY,
                                           "2025-01-05T00:00:00Z")


def badge_with(issuer_pair, *, on_badge=(), on_issuer=()) -> dict:
    data = assertion(badge=badge(endorsement_credentials=tuple(on_badge),
                                 issuer=issuer(endorsement_credentials=tuple(on_issuer))))
    credential = ob3.build_credential(data, status=status_entry(7))
    return proofs.add_data_integrity_proof(credential, issuer_pair.private_pem, KEY_URL, "2025-01-10T00:00:00Z")


def endorsement_checks(report) -> list:
    return [c for c in report.checks if c.code == "endorsement"]


def test_an_endorsement_credential_has_the_ob3_shape():
    document = endorsement()
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                                    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
    assert document["credentialSchema"] == [{
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019"}]
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["issuer"] == {"id": ENDORSER_ID, "type": ["Profile"], "name": "Région Bourgogne-Franche-Comté",
                                  "url": "https://region.example"}
    assert document["validFrom"] == "2025-01-05T00:00:00Z"
    assert document["credentialSubject"] == {"id": ACHIEVEMENT_ID, "type": ["EndorsementSubject"],
                                             "endorsementComment": "Nous apprécions ce badge."}
    assert document["name"] == "Recommandation de Région Bourgogne-Franche-Comté"
    jsonld.canonize(document, strict=True)


def test_a_badge_embeds_endorsements_in_its_achievement_and_its_issuer_with_defined_terms_only(endorser_pair,
                                                                                              issuer_pair):
    on_badge = signed_endorsement(endorser_pair)
    on_issuer = signed_endorsement(endorser_pair, subject_id=ISSUER_ID, comment="Un réseau sérieux.")
    credential = badge_with(issuer_pair, on_badge=[on_badge], on_issuer=[on_issuer])
    assert credential["credentialSubject"]["achievement"]["endorsement"] == [on_badge]
    assert credential["issuer"]["endorsement"] == [on_issuer]
    assert "endorsement" not in credential["credentialSubject"]["achievement"]["creator"]
    jsonld.canonize({k: v for k, v in credential.items() if k != "proof"}, strict=True)


def test_a_badge_without_endorsements_has_no_endorsement_key(issuer_pair):
    credential = badge_with(issuer_pair)
    assert "endorsement" not in credential["credentialSubject"]["achievement"]
    assert "endorsement" not in credential["issuer"]


def test_the_verifier_reports_each_embedded_endorsement_as_verified(web, endorser_pair, issuer_pair):
    credential = badge_with(issuer_pair, on_badge=[signed_endorsement(endorser_pair)],
                            on_issuer=[signed_endorsement(endorser_pair, subject_id=ISSUER_ID)])
    report = verify(credential, fetch=web, now=NOW)
    assert report.status == "valid", report.checks
    checks = endorsement_checks(report)
    assert [c.ok for c in checks] == [True, True]
    assert checks[0].message == "Recommandé par Région Bourgogne-Franche-Comté — signature vérifiée"
    assert ENDORSER_KEY in web.requested and ENDORSER_ID in web.requested


def test_an_endorsement_whose_comment_was_changed_fails_but_the_badge_stays_valid(web, endorser_pair,
                                                                                  issuer_pair):
    tampered = copy.deepcopy(signed_endorsement(endorser_pair))
    tampered["credentialSubject"]["endorsementComment"] = "Nous recommandons chaudement ce badge."
    assert not proofs.verify_data_integrity_proof(tampered, lambda vm: (endorser_pair.public_multibase,
                                                                        ENDORSER_ID)).verified
    # The issuer signed the badge over the altered endorsement: its own signature holds.
    report = verify(badge_with(issuer_pair, on_badge=[tampered]), fetch=web, now=NOW)
    assert report.status == "valid" and report.valid
    [check] = endorsement_checks(report)
    assert not check.ok and check.level == "warning"
    assert check.message == "Recommandé par Région Bourgogne-Franche-Comté — signature non vérifiée"


def test_an_endorsement_copied_onto_another_badge_is_not_verified(web, endorser_pair, issuer_pair):
    elsewhere = signed_endorsement(endorser_pair, subject_id=f"{SITE}/badges/autre")
    [check] = endorsement_checks(verify(badge_with(issuer_pair, on_badge=[elsewhere]), fetch=web, now=NOW))
    assert not check.ok and "autre" in check.detail


def test_an_endorsement_signed_by_a_key_its_endorser_does_not_list_is_not_verified(web, endorser_pair,
                                                                                    issuer_pair):
    web[ENDORSER_ID] = ob3.issuer_profile_document(IssuerData(id=ENDORSER_ID, name="Région", url="https://r.example"))
    [check] = endorsement_checks(verify(badge_with(issuer_pair, on_badge=[signed_endorsement(endorser_pair)]),
                                        fetch=web, now=NOW))
    assert not check.ok and "ne déclare pas la clé" in check.detail


def test_an_endorser_that_cannot_be_reached_leaves_the_badge_valid(web, endorser_pair, issuer_pair):
    del web.pages[ENDORSER_KEY]
    report = verify(badge_with(issuer_pair, on_badge=[signed_endorsement(endorser_pair)]), fetch=web, now=NOW)
    assert report.status == "valid"
    assert not endorsement_checks(report)[0].ok


def test_a_tampered_badge_still_fails_whatever_its_endorsements(web, endorser_pair, issuer_pair):
    credential = badge_with(issuer_pair, on_badge=[signed_endorsement(endorser_pair)])
    credential["credentialSubject"]["achievement"]["endorsement"][0]["credentialSubject"][
        "endorsementComment"] = "Autre chose."
    report = verify(credential, fetch=web, now=NOW)
    assert report.status == "invalid"
    assert not next(c for c in report.checks if c.code == "signature").ok


def test_the_verifier_checks_a_bounded_number_of_endorsements(web, endorser_pair, issuer_pair):
    many = [signed_endorsement(endorser_pair)] * 25
    report = verify(badge_with(issuer_pair, on_badge=many), fetch=web, now=NOW)
    checks = endorsement_checks(report)
    assert report.status == "valid" and len(checks) == 11
    assert checks[-1].message == "15 autres recommandations non vérifiées"
