"""1EdTech's own Open Badges 2.0 validator accepts what we issue, and refuses it once tampered.

It wrongly accepts hosted badges answered 410 / ``revoked: true`` and revocation
lists of a single entry, so revocation is covered by our own verifier's tests.
"""

import base64
import json

import pytest

from badges import documents
from badges.issuing import baked_png, baked_svg, ob2_bake_text

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
