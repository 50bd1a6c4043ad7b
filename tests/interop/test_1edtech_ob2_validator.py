"""1EdTech's own Open Badges 2.0 validator accepts what we issue, and refuses it once tampered.

It wrongly accepts hosted badges answered 410 / ``revoked: true`` and revocation
lists of a single entry, so revocation is covered by our own verifier's tests.
"""

import base64
import json

import pytest

from badges import documents
from badges.issuing import assertion_finalise, assertions_ob2_resign, baked_png, baked_svg, ob2_bake_text
from badges.services import assertion_issue
from badges.verification import verify_badge
from endorsements import documents as endorsement_documents
from endorsements import services as endorsement_services
from issuers.models import SigningKey
from issuers.services import signing_key_create

from .conftest import RECIPIENT

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_it_accepts_our_hosted_assertion_by_url(finalised, ob2_validator):
    run = ob2_validator("url", documents.assertion_url(finalised))
    assert run.accepted, run.output
    assert run.report["openBadgesVersion"] == "2.0"


def test_it_accepts_our_signed_assertion(finalised, ob2_validator, tmp_path):
    path = tmp_path / "signed.jws"
    path.write_text(finalised.ob2_jws)
    run = ob2_validator("text", str(path))
    assert run.accepted, run.output


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_it_accepts_our_badge_image_baked_with_the_ob2_assertion(finalised, ob2_validator, tmp_path, suffix):
    text = ob2_bake_text(finalised)
    image = baked_png(finalised, text, version="ob2") if suffix == "png" else baked_svg(finalised, text, version="ob2")
    path = tmp_path / f"badge.{suffix}"
    path.write_bytes(image)
    run = ob2_validator("file", str(path))
    assert run.accepted, run.output


def _tampered_jws(jws: str) -> str:
    header, payload, signature = jws.split(".")
    assertion = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assertion["recipient"]["identity"] = "sha256$" + "0" * 64
    return ".".join([header, _b64(assertion), signature])


def test_it_refuses_our_signed_assertion_once_tampered(finalised, ob2_validator, tmp_path):
    path = tmp_path / "tampered.jws"
    path.write_text(_tampered_jws(finalised.ob2_jws))
    run = ob2_validator("text", str(path))
    assert not run.accepted, run.output


def test_it_accepts_our_badge_image_baked_with_the_signed_assertion(finalised, ob2_validator, tmp_path):
    path = tmp_path / "signed.png"
    path.write_bytes(baked_png(finalised, finalised.ob2_jws, version="ob2"))
    run = ob2_validator("file", str(path))
    assert run.accepted, run.output


def test_it_refuses_a_badge_image_baked_with_a_tampered_signed_assertion(finalised, ob2_validator, tmp_path):
    path = tmp_path / "tampered.png"
    path.write_bytes(baked_png(finalised, _tampered_jws(finalised.ob2_jws), version="ob2"))
    run = ob2_validator("file", str(path))
    assert not run.accepted, run.output


# --- key rotation, endorsements --------------------------------------------------------


def _issue_signed(badge_class, owner):
    issued = assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam",
                             issued_by=owner)
    return assertion_finalise(assertion=issued)


def test_after_two_rotations_the_profile_lists_one_key_and_every_signed_badge_still_verifies(
        site, badge_class, owner, issuer, client, ob2_validator, tmp_path):
    first = _issue_signed(badge_class, owner)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
    current = _issue_signed(badge_class, owner)
    assert first.signing_key_rsa_id != current.signing_key_rsa_id

    profile = client.get(documents.ob2_issuer_url(issuer).removeprefix(site), HTTP_ACCEPT="application/ld+json")
    assert profile.json()["publicKey"] == documents.key_url(current.signing_key_rsa)
    old_key = client.get(documents.key_url(first.signing_key_rsa).removeprefix(site)).json()
    assert old_key["owner"] == documents.ob2_issuer_url(issuer) and "BEGIN PUBLIC KEY" in old_key["publicKeyPem"]

    path = tmp_path / "current.jws"
    path.write_text(current.ob2_jws)
    run = ob2_validator("text", str(path))
    assert run.accepted, run.output
    # A file downloaded before the rotations: its key is no longer the profile's publicKey, but it is
    # served by the issuer's origin with owner = the issuer, so it still verifies with ours.
    downloaded_before = first.ob2_jws
    assert verify_badge(downloaded_before, expected_email=RECIPIENT).status == "valid"
    # 1EdTech's validator checks the signature (it passes) and then requires the key to be the
    # profile's publicKey (verify_key_ownership): that one check, and only it, refuses that old file.
    path = tmp_path / "first.jws"
    path.write_text(downloaded_before)
    old = ob2_validator("text", str(path))
    errors = [m["result"] for m in old.report["messages"] if m.get("messageLevel") == "ERROR"]
    assert errors == [f"Assertion signed by a key {documents.key_url(first.signing_key_rsa)} other than those "
                      "authorized by issuer profile"], old.output
    # What we serve and export from now on is signed again with the current key (the worker's task
    # after a rotation): 1EdTech's validator accepts it.
    assert assertions_ob2_resign(issuer_id=issuer.pk) == 1
    first.refresh_from_db()
    path = tmp_path / "first-now.jws"
    path.write_text(first.ob2_jws)
    again = ob2_validator("text", str(path))
    assert again.accepted, again.output
    assert verify_badge(current.ob2_jws, expected_email=RECIPIENT).status == "valid"


def test_it_accepts_the_hosted_badge_of_an_endorsed_badge_class(site, badge_class, owner, endorser_user,
                                                                ob2_validator):
    invitation = endorsement_services.endorsement_invite(
        invited_by=owner, organisation_name="Mission Locale", email="contact@ml.example", badge_class=badge_class)
    # No site of its own: the endorser's OB 2.0 Profile still has the url OB 2.0 requires.
    endorser = endorsement_services.endorser_create(user=endorser_user, name="Mission Locale",
                                                    email="contact@ml.example")
    endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                            statement="Nous apprécions ce badge.")
    assert endorsement_documents.endorser_document(endorser)["url"].startswith(site)
    badge = _issue_signed(badge_class, owner)
    assert documents.ob2_badge_class_document(badge_class)["endorsement"]
    run = ob2_validator("url", documents.assertion_url(badge))
    assert run.accepted, run.output
