"""Every export form of a badge, in every state, judged by verifiers we did not write:
Digital Bazaar's Data Integrity stack (the credential, and the credential extracted from
the baked PNG and SVG), an independent JOSE library (npm ``jose``) for the VC-JWT with
its JWK resolved from our did:web document, and 1EdTech's OB 2.0 validator for the
OB 2.0 forms. did:web is resolved against the live test server.
"""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from badges import issuing
from badges.exports import export_assertion
from badges.issuing import assertion_finalise, assertions_ob2_resign
from badges.models import Assertion
from badges.openbadges import bake
from badges.services import assertion_issue, assertion_revoke
from issuers.models import SigningKey
from issuers.services import signing_key_create, signing_key_revoke

from .conftest import RECIPIENT

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]

STATES = ("valid", "tampered", "revoked", "expired", "rotated-key", "compromised-key")
# What an independent verifier must say: a rotation keeps old badges valid; a key
# compromised before the badge was signed does not vouch for it.
ACCEPTED = {"valid": True, "tampered": False, "revoked": False, "expired": False, "rotated-key": True,
            "compromised-key": False}
OB3_FORMS = {"ob3": "verify.mjs", "png": "verify.mjs", "svg": "verify.mjs", "ob3-jwt": "verify-jwt.mjs"}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _tampered_jwt(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Je sais piloter un avion"
    return ".".join([header, _b64(claims), signature])


def badge_in_state(state: str, badge_class, owner) -> Assertion:
    issued = assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam",
                             issued_by=owner)
    issuer = badge_class.issuer
    if state == "expired":
        Assertion.objects.filter(pk=issued.pk).update(expires_on=timezone.now() - timedelta(days=1))
        issued.refresh_from_db()
    if state == "compromised-key":
        # Declared compromised yesterday: whoever holds the key signs this badge today.
        for key in issuer.signing_keys.filter(retired_at__isnull=True):
            signing_key_revoke(key=key, reason="Fuite", revoked_at=timezone.now() - timedelta(days=1))
        Assertion.objects.filter(pk=issued.pk).update(
            signing_key_rsa=issuer.signing_keys.get(algorithm=SigningKey.Algorithm.RSA, revoked_at__isnull=False),
            signing_key_ed25519=issuer.signing_keys.get(algorithm=SigningKey.Algorithm.ED25519,
                                                        revoked_at__isnull=False))
        issued.refresh_from_db()
    finalised = assertion_finalise(assertion=issued)
    if state == "revoked":
        assertion_revoke(assertion=finalised, revoked_by=owner, reason="Erreur de saisie")
    if state == "rotated-key":
        for algorithm in SigningKey.Algorithm.values:
            signing_key_create(issuer=issuer, algorithm=algorithm)
        # What the worker does after an RSA rotation (badges.tasks.resign_ob2_jws).
        assertions_ob2_resign(issuer_id=issuer.pk)
        finalised.refresh_from_db()
    return finalised


def form_file(assertion: Assertion, fmt: str, state: str, tmp_path):
    exported = export_assertion(assertion, fmt)
    content = exported.content
    if state == "tampered":
        if fmt == "ob3-jwt":
            content = _tampered_jwt(content.decode()).encode()
        elif fmt in ("ob3", "png", "svg"):
            credential = dict(assertion.ob3_credential, name="Je sais piloter un avion")
            text = json.dumps(credential, ensure_ascii=False)
            content = {"ob3": text.encode(), "png": issuing.baked_png(assertion, text),
                       "svg": issuing.baked_svg(assertion, text)}[fmt]
    path = tmp_path / exported.filename
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("state", STATES)
def test_independent_verifiers_judge_every_ob3_form_as_expected(state, site, badge_class, owner, node_script,
                                                                 tmp_path):
    # One badge per state, every form of it: issuing on the live server is what costs.
    assertion = badge_in_state(state, badge_class, owner)
    runs = {fmt: node_script(script, form_file(assertion, fmt, state, tmp_path)) for fmt, script in OB3_FORMS.items()}
    verdicts = {fmt: run.accepted for fmt, run in runs.items()}
    assert verdicts == dict.fromkeys(OB3_FORMS, ACCEPTED[state]), {f: r.output for f, r in runs.items()}
    for run in runs.values():
        # Their verifier found our keys through the did:web document on the live server
        # (an expired credential is refused before any key is looked up).
        assert state == "expired" or any(url.endswith(f"/ob/issuers/{badge_class.issuer.public_id}/did.json")
                                         for url in run.report.get("fetched", [])), run.output
        if state == "revoked":
            assert any("revocation bit set" in e for e in run.report["errors"]), run.output
        if state == "compromised-key":
            assert any("compromised" in e for e in run.report["errors"]), run.output


def _tampered_jws(jws: str) -> str:
    header, payload, signature = jws.split(".")
    assertion = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assertion["recipient"]["identity"] = "sha256$" + "0" * 64
    return ".".join([header, _b64(assertion), signature])


# 1EdTech's validator accepts hosted badges answered 410 (test_1edtech_ob2_validator.py):
# revoked and compromised-key OB 2.0 badges are judged by our own verifier's tests.
OB2_STATES = ("valid", "tampered", "expired", "rotated-key")
OB2_FORMS = ("ob2", "ob2-signed", "png-ob2", "svg-ob2")


@pytest.mark.parametrize("state", OB2_STATES)
def test_1edtech_validator_judges_every_ob2_form_as_expected(state, site, badge_class, owner, ob2_validator,
                                                              tmp_path):
    assertion = badge_in_state(state, badge_class, owner)
    runs = {}
    for fmt in OB2_FORMS:
        if state == "tampered":
            if fmt == "ob2":
                continue  # a hosted badge is fetched from its issuer: there is no copy to tamper with
            jws = _tampered_jws(assertion.ob2_jws)
            # Without a verify URL in the SVG: the validator must judge the embedded JWS, not the hosted copy.
            content = {"ob2-signed": jws.encode(), "png-ob2": issuing.baked_png(assertion, jws, version="ob2"),
                       "svg-ob2": bake.bake_svg(issuing.svg_image_of(assertion.badge_class), jws,
                                                version="ob2")}[fmt]
            path = tmp_path / f"tampered.{fmt}"
            path.write_bytes(content)
        else:
            path = form_file(assertion, fmt, state, tmp_path)
        runs[fmt] = ob2_validator("file" if fmt in ("png-ob2", "svg-ob2") else "text", str(path))
    verdicts = {fmt: run.accepted for fmt, run in runs.items()}
    assert verdicts == dict.fromkeys(runs, ACCEPTED[state]), {f: r.output for f, r in runs.items()}
