"""Every file form of an assertion, for downloads and `manage.py export_badge`."""

import json
from dataclasses import dataclass

from django.utils.text import slugify

from badges import documents, issuing
from badges.models import Assertion

FORMATS = ("ob2", "ob2-signed", "ob3", "ob3-jwt", "png", "svg", "png-ob2", "svg-ob2")


class ExportUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    content_type: str
    filename: str


def export_assertion(assertion: Assertion, fmt: str) -> ExportedFile:
    if fmt not in FORMATS:
        raise ExportUnavailable(f"Format inconnu : {fmt}")
    if fmt != "ob2" and assertion.baked_at is None:
        raise ExportUnavailable("Le badge est en cours de préparation, réessayez dans un instant.")
    stem = f"{slugify(assertion.badge_class.name)[:60]}-{str(assertion.public_id)[:8]}"
    if fmt == "ob2":
        text = json.dumps(documents.ob2_assertion_document(assertion), ensure_ascii=False, indent=2)
        return ExportedFile(text.encode(), "application/ld+json", f"{stem}.ob2.json")
    if fmt == "ob2-signed":
        return ExportedFile(assertion.ob2_jws.encode(), "application/jose", f"{stem}.ob2.jws")
    if fmt == "ob3":
        text = json.dumps(assertion.ob3_credential, ensure_ascii=False, indent=2)
        return ExportedFile(text.encode(), "application/vc+ld+json", f"{stem}.ob3.json")
    if fmt == "ob3-jwt":
        return ExportedFile(assertion.ob3_jwt.encode(), "application/vc+jwt", f"{stem}.ob3.jwt")
    if fmt == "png":
        if not assertion.baked_png:
            raise ExportUnavailable("L'image de ce badge est au format SVG : téléchargez la version SVG.")
        with assertion.baked_png.open("rb") as handle:
            return ExportedFile(handle.read(), "image/png", f"{stem}.png")
    if fmt == "svg":
        with assertion.baked_svg.open("rb") as handle:
            return ExportedFile(handle.read(), "image/svg+xml", f"{stem}.svg")
    text = issuing.ob2_bake_text(assertion)
    if fmt == "png-ob2":
        png = issuing.baked_png(assertion, text, version="ob2")
        if png is None:
            raise ExportUnavailable("L'image de ce badge est au format SVG : téléchargez la version SVG.")
        return ExportedFile(png, "image/png", f"{stem}.ob2.png")
    return ExportedFile(issuing.baked_svg(assertion, text, version="ob2"), "image/svg+xml", f"{stem}.ob2.svg")
