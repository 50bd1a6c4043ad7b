"""Glue between the badges models and the pure Open Badges engine: sign the
documents of an assertion and bake its images. Runs in Celery workers."""

import base64
import json

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from badges import documents
from badges.models import Assertion
from badges.openbadges import bake, ob2, proofs
from issuers.keystore import private_key_for
from issuers.models import SigningKey
from issuers.selectors import active_signing_key


def svg_image_of(badge_class) -> bytes:
    """The badge image as SVG: the file itself, or the PNG wrapped in an SVG."""
    with badge_class.image.open("rb") as handle:
        data = handle.read()
    if badge_class.image.name.lower().endswith(".svg"):
        return bake.sanitise_svg(data)
    encoded = base64.b64encode(data).decode("ascii")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" '
        f'height="400" viewBox="0 0 400 400"><image width="400" height="400" '
        f'xlink:href="data:image/png;base64,{encoded}"/></svg>'
    ).encode()


def png_image_of(badge_class) -> bytes | None:
    if not badge_class.image.name.lower().endswith(".png"):
        return None
    with badge_class.image.open("rb") as handle:
        return handle.read()


def _active_key(issuer, algorithm: str) -> SigningKey:
    # From the prefetched keys of the issuer: no query per badge in a batch.
    keys = [k for k in issuer.signing_keys.all() if k.algorithm == algorithm and k.retired_at is None]
    if not keys:
        return active_signing_key(issuer=issuer, algorithm=algorithm)
    return max(keys, key=lambda k: k.created_at)


def sign_documents(assertion: Assertion) -> dict:
    """OB 2.0 signed JWS, OB 3.0 credential with Data Integrity proof, OB 3.0 VC-JWT."""
    issuer = assertion.badge_class.issuer
    rsa_key = assertion.signing_key_rsa or _active_key(issuer, SigningKey.Algorithm.RSA)
    ed_key = assertion.signing_key_ed25519 or _active_key(issuer, SigningKey.Algorithm.ED25519)
    ob2_doc = documents.ob2_assertion_document(assertion, signing_key=rsa_key)
    jws = ob2.sign_assertion(ob2_doc, private_key_for(rsa_key))
    credential = documents.ob3_unsigned_credential(assertion)
    ed_private = private_key_for(ed_key)
    signed = proofs.add_data_integrity_proof(credential, ed_private, documents.key_url(ed_key), timezone.now())
    jwt = proofs.sign_vc_jwt(credential, ed_private, documents.key_url(ed_key))
    return {"rsa_key": rsa_key, "ed_key": ed_key, "ob2_jws": jws, "ob3_credential": signed, "ob3_jwt": jwt}


def baked_png(assertion: Assertion, text: str, *, version: str = "ob3") -> bytes | None:
    png = png_image_of(assertion.badge_class)
    if png is None:
        return None
    keyword = bake.OB3_KEYWORD if version == "ob3" else bake.OB2_KEYWORD
    return bake.bake_png(png, text, keyword=keyword)


def baked_svg(assertion: Assertion, text: str, *, version: str = "ob3") -> bytes:
    verify_url = documents.assertion_url(assertion) if version == "ob2" else ""
    return bake.bake_svg(svg_image_of(assertion.badge_class), text, verify_url=verify_url, version=version)


def ob2_bake_text(assertion: Assertion) -> str:
    # Hosted assertion JSON: what OB 2.0 backpacks read most widely.
    return json.dumps(documents.ob2_assertion_document(assertion), ensure_ascii=False)


def assertion_finalise(*, assertion: Assertion) -> Assertion:
    """Sign and bake. Idempotent: an assertion already baked is left as it is."""
    if assertion.baked_at is not None:
        return assertion
    assertion = (Assertion.objects.select_related("badge_class__issuer", "signing_key_rsa", "signing_key_ed25519")
                 .prefetch_related("evidence", "badge_class__alignments", "badge_class__issuer__signing_keys")
                 .get(pk=assertion.pk))
    signed = sign_documents(assertion)
    credential_text = json.dumps(signed["ob3_credential"], ensure_ascii=False)
    png = baked_png(assertion, credential_text)
    svg = baked_svg(assertion, credential_text)
    with transaction.atomic():
        locked = Assertion.objects.select_for_update().get(pk=assertion.pk)
        if locked.baked_at is not None:  # another worker got there first
            return locked
        locked.signing_key_rsa = signed["rsa_key"]
        locked.signing_key_ed25519 = signed["ed_key"]
        locked.ob2_jws = signed["ob2_jws"]
        locked.ob3_credential = signed["ob3_credential"]
        locked.ob3_jwt = signed["ob3_jwt"]
        name = f"{locked.public_id}"
        if png is not None:
            locked.baked_png.save(f"{name}.png", ContentFile(png), save=False)
        locked.baked_svg.save(f"{name}.svg", ContentFile(svg), save=False)
        locked.baked_at = timezone.now()
        locked.bake_error = ""
        locked.save(update_fields=["signing_key_rsa", "signing_key_ed25519", "ob2_jws", "ob3_credential", "ob3_jwt",
                                   "baked_png", "baked_svg", "baked_at", "bake_error"])
    return locked
