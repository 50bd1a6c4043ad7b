"""Badges of other platforms, signed by Digital Bazaar's stack (tests/interop/js/sign.mjs),
must verify on our verifier when valid and fail when not — as they do on theirs: a did:web
issuer served by a live server, a did:key issuer, VC 1.1, an extension context we do not
ship, a property added after signing."""

import json

import pytest

from badges import documents
from badges.openbadges.did import did_web_for_url
from badges.openbadges.jsonld import CREDENTIALS_V1, CREDENTIALS_V2, OB3_CONTEXT, OB3_EXTENSIONS
from badges.verification import verify_badge

from .conftest import RECIPIENT

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]

EXT_PATH = "/contexts/portfolio/v1"
EXT_CONTEXT_DOC = {"@context": {"portfolioUrl": {"@id": "https://foreign.example/vocab#portfolioUrl",
                                                 "@type": "@id"}}}


def _write(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False))
    return path


def _unsigned(finalised) -> dict:
    credential = documents.ob3_unsigned_credential(finalised)
    credential.pop("credentialStatus", None)  # our issuer's status list does not speak for theirs
    return credential


def _sign_did_web(credential, foreign_web, node_script, tmp_path) -> dict:
    did = did_web_for_url(foreign_web.url + "/issuers/atelier")
    run = node_script("sign.mjs", _write(tmp_path, "unsigned.json", credential), "--did-web", did)
    assert run.accepted, run.output
    foreign_web.pages["/issuers/atelier/did.json"] = run.report["didDocument"]
    return run.report["credential"]


def test_a_did_web_badge_signed_by_their_stack_verifies_on_ours_and_theirs(finalised, foreign_web, node_script,
                                                                          tmp_path):
    theirs = _sign_did_web(_unsigned(finalised), foreign_web, node_script, tmp_path)
    assert theirs["issuer"]["id"].startswith("did:web:127.0.0.1%3A")
    report = verify_badge(theirs, expected_email=RECIPIENT)
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    assert report.recipient_match is True
    assert node_script("verify.mjs", _write(tmp_path, "theirs.json", theirs)).accepted


def test_a_did_web_badge_tampered_after_their_stack_signed_it_is_refused(finalised, foreign_web, node_script,
                                                                        tmp_path):
    theirs = _sign_did_web(_unsigned(finalised), foreign_web, node_script, tmp_path)
    theirs["credentialSubject"]["achievement"]["name"] = "Je sais piloter un avion"
    report = verify_badge(theirs)
    assert report.status == "invalid"
    assert "La signature est invalide" in [c.message for c in report.checks]


def test_a_did_web_badge_whose_did_document_is_gone_is_not_valid(finalised, foreign_web, node_script, tmp_path):
    theirs = _sign_did_web(_unsigned(finalised), foreign_web, node_script, tmp_path)
    foreign_web.pages.clear()
    assert verify_badge(theirs).status == "invalid"


def test_a_vc_1_1_badge_signed_by_their_stack_verifies(finalised, foreign_web, node_script, tmp_path):
    credential = _unsigned(finalised)
    credential["@context"] = [CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
                              "https://w3id.org/security/data-integrity/v2"]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential.pop("credentialSchema", None)
    theirs = _sign_did_web(credential, foreign_web, node_script, tmp_path)
    report = verify_badge(theirs)
    assert report.status == "valid", [c for c in report.checks if not c.ok]


def test_a_badge_with_an_extension_context_we_do_not_ship_is_fetched_and_verifies(finalised, foreign_web,
                                                                                 node_script, tmp_path, monkeypatch):
    context_url = foreign_web.url + EXT_PATH
    foreign_web.pages[EXT_PATH] = EXT_CONTEXT_DOC
    credential = _unsigned(finalised)
    credential["@context"] = [CREDENTIALS_V2, OB3_CONTEXT, OB3_EXTENSIONS, context_url]
    credential["credentialSubject"]["portfolioUrl"] = "https://portfolio.example/sam"
    theirs = _sign_did_web(credential, foreign_web, node_script, tmp_path)
    report = verify_badge(theirs)
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    foreign_web.pages.pop(EXT_PATH)
    from django.core.cache import cache

    cache.clear()  # the context was cached: forget it, the server no longer has it
    report = verify_badge(theirs)
    assert report.status == "invalid"
    failed = [c for c in report.checks if not c.ok]
    assert failed[0].message.startswith("Contexte inconnu"), failed
    assert "La signature est invalide" not in [c.message for c in failed]


def test_a_property_added_after_signing_is_refused_by_their_stack_and_ours(finalised, foreign_web, node_script,
                                                                          tmp_path):
    theirs = _sign_did_web(_unsigned(finalised), foreign_web, node_script, tmp_path)
    theirs["credentialSubject"]["favouriteColour"] = "bleu"  # no context defines it
    assert not node_script("verify.mjs", _write(tmp_path, "added.json", theirs)).accepted
    report = verify_badge(theirs)
    assert report.status == "invalid"
    assert "Le badge contient des informations que sa signature ne couvre pas" in [c.message for c in report.checks]
