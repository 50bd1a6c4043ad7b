"""Digital Bazaar's Verifiable Credentials stack (npm @digitalbazaar/vc with the
eddsa-rdfc-2022 cryptosuite) and our verifier agree on OB 3.0 Data Integrity proofs.

Their verifier resolves our key (a Multikey document) and the issuer profile that
lists it under assertionMethod from the live server, and checks the Bitstring
Status List credential, itself verified, the same way.
"""

import json

import pytest

from badges import documents
from badges.openbadges.jsonld import CREDENTIALS_V2, OB3_CONTEXT
from badges.services import assertion_revoke
from badges.verification import verify_badge

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
    assert documents.key_url(finalised.signing_key_ed25519) in run.report["fetched"]


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
