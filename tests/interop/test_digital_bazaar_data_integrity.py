"""Digital Bazaar's Verifiable Credentials stack (npm @digitalbazaar/vc with the
eddsa-rdfc-2022 cryptosuite) and our verifier agree on OB 3.0 Data Integrity proofs.

Their verifier resolves our key (a Multikey document) and the issuer profile that
lists it under assertionMethod from the live server, and checks the Bitstring
Status List credential, itself verified, the same way.
"""

import copy
import json

import pytest

from badges import documents
from badges.issuing import assertion_finalise
from badges.openbadges.jsonld import CREDENTIALS_V2, OB3_CONTEXT
from badges.services import assertion_issue, assertion_revoke
from badges.verification import verify_badge
from endorsements import documents as endorsement_documents
from endorsements import services as endorsement_services

from .conftest import RECIPIENT

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]

OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

def _write(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False))
    return path


def test_their_verifier_accepts_our_credential(finalised, node_script, tmp_path):
    run = node_script("verify.mjs", _write(tmp_path, "ours.json", finalised.ob3_credential))
    assert run.accepted, run.output
    # Their stack resolved the issuer's did:web document on the live server.
    assert documents.did_document_url(finalised.badge_class.issuer) in run.report["fetched"]


def test_their_verifier_refuses_our_credential_once_tampered(finalised, node_script, tmp_path):
    credential = dict(finalised.ob3_credential, name="Je sais piloter un avion")
    run = node_script("verify.mjs", _write(tmp_path, "tampered.json", credential))
    assert not run.accepted, run.output
    assert any("Invalid signature" in error for error in run.report["errors"]), run.output


def test_their_verifier_refuses_our_credential_once_revoked(finalised, node_script, tmp_path, owner):
    assertion_revoke(assertion=finalised, revoked_by=owner, reason="Erreur de saisie")
    run = node_script("verify.mjs", _write(tmp_path, "revoked.json", finalised.ob3_credential))
    assert not run.accepted, run.output
    assert any("revocation bit set" in error for error in run.report["errors"]), run.output


def _their_credential(finalised, node_script, tmp_path) -> dict:
    credential = documents.ob3_unsigned_credential(finalised)
    # Their issuer is a did:key: our issuer's status list does not speak for it.
    credential.pop("credentialStatus", None)
    # Other platforms add the OB 3.0 extensions context; we must read that too.
    credential["@context"] = [CREDENTIALS_V2, OB3_CONTEXT, OB3_EXTENSIONS]
    run = node_script("sign.mjs", _write(tmp_path, "unsigned.json", credential))
    assert run.accepted, run.output
    assert run.report["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    return run.report


def test_our_verifier_accepts_a_credential_their_stack_signed(finalised, node_script, tmp_path):
    theirs = _their_credential(finalised, node_script, tmp_path)
    report = verify_badge(theirs, expected_email=RECIPIENT)
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    assert report.recipient_match is True


def test_our_verifier_refuses_a_credential_their_stack_signed_once_tampered(finalised, node_script, tmp_path):
    theirs = _their_credential(finalised, node_script, tmp_path)
    theirs["credentialSubject"]["achievement"]["name"] = "Je sais piloter un avion"
    report = verify_badge(theirs)
    assert report.status == "invalid"
    assert not next(c for c in report.checks if c.code == "signature").ok


# --- endorsements --------------------------------------------------------------------


@pytest.fixture
def endorsement(site, badge_class, owner, endorser_user):
    invitation = endorsement_services.endorsement_invite(
        invited_by=owner, organisation_name="Région Bourgogne-Franche-Comté", email="contact@region.example",
        badge_class=badge_class)
    endorser = endorsement_services.endorser_create(user=endorser_user, name="Région Bourgogne-Franche-Comté",
                                                    email="contact@region.example", url="https://region.example")
    return endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                                   statement="Nous apprécions ce badge.")


@pytest.fixture
def endorsed(endorsement, badge_class, owner):
    issued = assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def test_their_verifier_accepts_our_credential_that_embeds_an_endorsement(endorsed, endorsement, node_script,
                                                                          tmp_path):
    embedded = endorsed.ob3_credential["credentialSubject"]["achievement"]["endorsement"]
    assert embedded == [endorsement.ob3_credential]
    run = node_script("verify.mjs", _write(tmp_path, "endorsed.json", endorsed.ob3_credential))
    assert run.accepted, run.output


def test_their_verifier_accepts_our_endorsement_credential(endorsement, node_script, tmp_path):
    run = node_script("verify.mjs", _write(tmp_path, "endorsement.json", endorsement.ob3_credential))
    assert run.accepted, run.output
    # Their stack resolved the endorser's own did:web document, not the issuer's.
    endorser_did_url = endorsement_documents.ob3_endorser_profile_url(endorsement.endorser) + "/did.json"
    assert run.report["fetched"] and set(run.report["fetched"]) == {endorser_did_url}


def test_their_verifier_accepts_the_endorsement_as_embedded_in_our_badge(endorsed, node_script, tmp_path):
    embedded = endorsed.ob3_credential["credentialSubject"]["achievement"]["endorsement"][0]
    run = node_script("verify.mjs", _write(tmp_path, "embedded.json", embedded))
    assert run.accepted, run.output


def test_their_verifier_refuses_our_endorsement_credential_once_its_comment_is_changed(endorsement, node_script,
                                                                                      tmp_path):
    tampered = copy.deepcopy(endorsement.ob3_credential)
    tampered["credentialSubject"]["endorsementComment"] = "Nous recommandons chaudement ce badge."
    run = node_script("verify.mjs", _write(tmp_path, "tampered-endorsement.json", tampered))
    assert not run.accepted, run.output
    assert any("Invalid signature" in error for error in run.report["errors"]), run.output
