"""Glue between the badges models and the pure Open Badges engine: sign the
documents of an assertion and bake its images. Runs in Celery workers."""

import base64
import json

import jwt
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from badgehub.uploads import unguessable_name
from badges import document_cache, documents
from badges.models import Assertion
from badges.openbadges import bake, ob2, proofs
from issuers.keystore import private_key_for
from issuers.models import Issuer, SigningKey
from issuers.selectors import active_signing_key

# What signing an assertion reads beyond its row, fetched once per chunk: its evidence,
# and its badge class's alignments, issuer keys and published endorsements.
_BADGE_CLASS_PREFETCHES = ("alignments", "issuer__signing_keys", *documents.ENDORSEMENT_PREFETCHES)
SIGNING_PREFETCHES = ("evidence", *(f"badge_class__{name}" for name in _BADGE_CLASS_PREFETCHES))


def svg_image_of(badge_class, data: bytes | None = None) -> bytes:
    """The badge image as SVG: the file itself, or the PNG wrapped in an SVG."""
    if data is None:
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


def sign_documents(assertion: Assertion, *, now=None) -> dict:
    """OB 2.0 signed JWS, OB 3.0 credential with Data Integrity proof, OB 3.0 VC-JWT."""
    issuer = assertion.badge_class.issuer
    rsa_key = assertion.signing_key_rsa or _active_key(issuer, SigningKey.Algorithm.RSA)
    ed_key = assertion.signing_key_ed25519 or _active_key(issuer, SigningKey.Algorithm.ED25519)
    ob2_doc = documents.ob2_assertion_document(assertion, signing_key=rsa_key)
    jws = ob2.sign_assertion(ob2_doc, private_key_for(rsa_key))
    credential = documents.ob3_unsigned_credential(assertion)
    ed_private = private_key_for(ed_key)
    now = now or timezone.now()
    signed = proofs.add_data_integrity_proof(credential, ed_private, documents.signing_key_method_id(ed_key), now)
    # OB 3.0 §8.2: RS256 is the algorithm every verifier supports; kid dereferences to its JWK.
    jwt = proofs.sign_vc_jwt(credential, private_key_for(rsa_key), documents.signing_key_method_id(rsa_key),
                             signed_at=now)
    return {"rsa_key": rsa_key, "ed_key": ed_key, "ob2_jws": jws, "ob3_credential": signed, "ob3_jwt": jwt}


def baked_png(assertion: Assertion, text: str, *, version: str = "ob3", png: bytes | None = None) -> bytes | None:
    png = png if png is not None else png_image_of(assertion.badge_class)
    if png is None:
        return None
    keyword = bake.OB3_KEYWORD if version == "ob3" else bake.OB2_KEYWORD
    return bake.bake_png(png, text, keyword=keyword)


def baked_svg(assertion: Assertion, text: str, *, version: str = "ob3", svg: bytes | None = None) -> bytes:
    verify_url = documents.assertion_url(assertion) if version == "ob2" else ""
    svg = svg if svg is not None else svg_image_of(assertion.badge_class)
    return bake.bake_svg(svg, text, verify_url=verify_url, version=version)


def ob2_bake_text(assertion: Assertion) -> str:
    # Hosted assertion JSON: what OB 2.0 backpacks read most widely.
    return json.dumps(documents.ob2_assertion_document(assertion), ensure_ascii=False)


def assertion_finalise(*, assertion: Assertion) -> Assertion:
    """Sign and bake. Idempotent: an assertion already baked is left as it is."""
    if assertion.baked_at is not None:
        return assertion
    assertion = (Assertion.objects.select_related("badge_class__issuer", "signing_key_rsa", "signing_key_ed25519")
                 .prefetch_related(*SIGNING_PREFETCHES)
                 .get(pk=assertion.pk))
    results, errors = _sign_and_bake([assertion])
    if errors:
        raise errors[assertion.pk]
    with transaction.atomic():
        locked = Assertion.objects.select_for_update().get(pk=assertion.pk)
        if locked.baked_at is not None:  # another worker got there first
            return locked
        if _shown(locked) != _shown(assertion):
            # The owner changed what is shown while this was signed: the task queued by that
            # change signs what is shown now. These documents must not be written.
            return locked
        _apply_signed(locked, results[assertion.pk], timezone.now())
        locked.save(update_fields=_FINALISED_FIELDS)
    return locked


def _shown(assertion: Assertion) -> tuple[bool, bool]:
    return assertion.show_evidence, assertion.show_narrative


_FINALISED_FIELDS = ["signing_key_rsa", "signing_key_ed25519", "ob2_jws", "ob3_credential", "ob3_jwt",
                     "baked_png", "baked_svg", "baked_at", "bake_error"]


def assertions_write_signed(*, assertions: list[Assertion]) -> None:
    """Write the signed documents and images of rows already inserted: one
    UPDATE ... FROM (VALUES ...) for the chunk.

    ``bulk_update`` builds a CASE per field and row; compiling it cost more than
    signing. The values go through each field's own database preparation.
    """
    if not assertions:
        return
    if connection.vendor != "postgresql":  # the embedded SQLite: small batches, the portable way
        Assertion.objects.bulk_update(assertions, _FINALISED_FIELDS)
        _documents_changed(assertions)
        return
    fields = [Assertion._meta.get_field(name) for name in _FINALISED_FIELDS]
    columns = [field.column for field in fields]
    casts = [field.db_type(connection) for field in fields]
    rows, params = [], []
    for assertion in assertions:
        rows.append("(" + ", ".join(["%s"] * (len(fields) + 1)) + ")")
        params.append(assertion.pk)
        params.extend(field.get_db_prep_save(field.pre_save(assertion, False), connection) for field in fields)
    table = connection.ops.quote_name(Assertion._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = v.{connection.ops.quote_name(column)}::{cast}"
                            for column, cast in zip(columns, casts, strict=True))
    names = ", ".join(["id", *(connection.ops.quote_name(column) for column in columns)])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS a SET {assignments} FROM (VALUES {', '.join(rows)}) AS v({names}) "
                       f"WHERE a.id = v.id", params)
    _documents_changed(assertions)


def _documents_changed(assertions: list[Assertion]) -> None:
    # Written without save(): the hosted credentials are told here (badges/document_cache.py).
    document_cache.changed(*(document_cache.assertion_scope(a.pk) for a in assertions))


def images_of(badge_class) -> tuple[bytes | None, bytes]:
    """(PNG bytes or None, SVG to bake into), read and built once per badge class."""
    with badge_class.image.open("rb") as handle:
        data = handle.read()
    png = data if badge_class.image.name.lower().endswith(".png") else None
    return png, svg_image_of(badge_class, data)


def _sign_and_bake(assertions: list[Assertion]) -> tuple[dict[int, tuple[dict, bytes | None, bytes]],
                                                           dict[int, Exception]]:
    """The engine's work for a chunk: {pk: (signed documents, PNG, SVG)} and {pk: error}."""
    # One timestamp for the chunk: the proof configurations repeat, and their
    # canonical form is cached by the engine.
    now = timezone.now()
    images: dict[int, tuple[bytes | None, bytes]] = {}
    results: dict[int, tuple[dict, bytes | None, bytes]] = {}
    errors: dict[int, Exception] = {}
    with documents.same_badge_data():  # the badge's data built once for the chunk
        for assertion in assertions:
            try:
                if assertion.badge_class_id not in images:
                    images[assertion.badge_class_id] = images_of(assertion.badge_class)
                png_source, svg_source = images[assertion.badge_class_id]
                signed = sign_documents(assertion, now=now)
                credential_text = json.dumps(signed["ob3_credential"], ensure_ascii=False)
                png = bake.bake_png(png_source, credential_text, keyword=bake.OB3_KEYWORD) if png_source else None
                svg = baked_svg(assertion, credential_text, svg=svg_source)
            except Exception as exc:
                errors[assertion.pk] = exc
                continue
            results[assertion.pk] = (signed, png, svg)
    return results, errors


def _apply_signed(assertion: Assertion, result: tuple[dict, bytes | None, bytes], baked_at) -> None:
    signed, png, svg = result
    assertion.signing_key_rsa = signed["rsa_key"]
    assertion.signing_key_ed25519 = signed["ed_key"]
    assertion.ob2_jws = signed["ob2_jws"]
    assertion.ob3_credential = signed["ob3_credential"]
    assertion.ob3_jwt = signed["ob3_jwt"]
    # A new name each time: a file replaced (say, re-baked without the evidence) is never served again.
    if png is not None:
        assertion.baked_png.save(unguessable_name(str(assertion.public_id), "png"), ContentFile(png), save=False)
    assertion.baked_svg.save(unguessable_name(str(assertion.public_id), "svg"), ContentFile(svg), save=False)
    assertion.baked_at = baked_at
    assertion.bake_error = ""


def assertions_finalise(*, assertion_ids: list[int]) -> dict[int, Exception]:
    """Sign and bake a chunk of assertions with a handful of queries.

    Idempotent: assertions already baked are skipped, so running a chunk twice
    signs nothing twice. Returns the errors of the assertions that failed (each
    recorded in its ``bake_error``); the others are finalised.
    """
    assertions = list(
        Assertion.objects.filter(pk__in=assertion_ids, baked_at__isnull=True)
        .select_related("badge_class__issuer", "signing_key_rsa", "signing_key_ed25519")
        .prefetch_related(*SIGNING_PREFETCHES)
        .order_by("pk")
    )
    if not assertions:
        return {}
    results, errors = _sign_and_bake(assertions)
    with transaction.atomic():
        # Another worker may have finalised some meanwhile: write only what is still unbaked.
        unbaked = {pk: (show_evidence, show_narrative) for pk, show_evidence, show_narrative in
                   Assertion.objects.select_for_update().filter(pk__in=list(results), baked_at__isnull=True)
                   .values_list("pk", "show_evidence", "show_narrative")}
        finalised = []
        baked_at = timezone.now()
        for assertion in assertions:
            # Unchanged meanwhile: what was signed is what the owner shows (see assertion_finalise).
            if unbaked.get(assertion.pk) == _shown(assertion):
                _apply_signed(assertion, results[assertion.pk], baked_at)
                finalised.append(assertion)
        assertions_write_signed(assertions=finalised)
    for pk, exc in errors.items():
        Assertion.objects.filter(pk=pk).update(bake_error=_error_text(exc))
    return errors


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def assertions_sign(*, assertions: list[Assertion]) -> list[int]:
    """Sign and bake assertions of a chunk in this process, written or not yet.

    For a worker that has just built a chunk: the objects are in memory, so there
    is nothing to reload and no second task to queue. Sets the signed documents,
    stores the baked images, and returns the ids that could not be signed (their
    ``bake_error`` set): queue them for a retry once the transaction commits.
    The caller writes the rows (``bulk_create``, or ``assertions_write_signed``).
    """
    if not assertions:
        return []
    prefetch_related_objects(assertions, "evidence")
    badge_classes = {a.badge_class_id: a.badge_class for a in assertions}
    prefetch_related_objects(list(badge_classes.values()), *_BADGE_CLASS_PREFETCHES)
    results, errors = _sign_and_bake(assertions)
    baked_at = timezone.now()
    for assertion in assertions:
        if assertion.pk in results:
            _apply_signed(assertion, results[assertion.pk], baked_at)
        else:
            assertion.bake_error = _error_text(errors[assertion.pk])
    return list(errors)


def assertions_ob2_resign(*, issuer_id: int) -> int:
    """Sign the stored OB 2.0 JWS of the issuer's badges again with its current RSA key.

    After a rotation the issuer Profile lists one publicKey (the current key), and 1EdTech's
    validator accepts a signed OB 2.0 badge only when its creator is that key: the badges we
    serve and export are re-signed (a file downloaded before keeps its old, still genuine,
    signature, which verifiers checking the key's owner accept). Idempotent: badges already
    signed with the current key are skipped. Returns how many were signed again."""
    rsa_key = active_signing_key(issuer=Issuer(pk=issuer_id), algorithm=SigningKey.Algorithm.RSA)
    creator = documents.key_url(rsa_key)
    private = private_key_for(rsa_key)
    candidates = (Assertion.objects.filter(badge_class__issuer_id=issuer_id, revoked=False).exclude(ob2_jws="")
                  .values_list("pk", flat=True))
    count = 0
    for pk in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            assertion = (Assertion.objects.select_for_update().select_related("badge_class__issuer")
                         .filter(pk=pk).exclude(ob2_jws="").first())
            if assertion is None:
                continue
            signed = jwt.decode(assertion.ob2_jws, options={"verify_signature": False})
            if signed.get("verification", {}).get("creator") == creator:
                continue
            document = documents.ob2_assertion_document(assertion, signing_key=rsa_key)
            Assertion.objects.filter(pk=pk).update(ob2_jws=ob2.sign_assertion(document, private))
            document_cache.changed(document_cache.assertion_scope(pk))
            count += 1
    return count


def credential_for_holder(assertion: Assertion, *, holder_id: str, fmt: str, now=None) -> dict | str:
    """The badge issued to a wallet holder: the credential as the owner shows it now (the same
    choices about evidence and narrative as every rebuild, the same status list entry, so a
    later revocation reaches the wallet), with ``credentialSubject.id`` = the holder's DID,
    signed fresh by the issuer's current keys.

    ``fmt``: "ldp_vc" (Data Integrity eddsa-rdfc-2022) or "jwt_vc_json" (VC-JWT, OB 3.0 §8.2)."""
    issuer = assertion.badge_class.issuer
    credential = documents.ob3_unsigned_credential(assertion)
    credential["credentialSubject"] = {"id": holder_id, **credential["credentialSubject"]}
    now = now or timezone.now()
    if fmt == "ldp_vc":
        ed_key = active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
        return proofs.add_data_integrity_proof(credential, private_key_for(ed_key),
                                               documents.signing_key_method_id(ed_key), now)
    if fmt == "jwt_vc_json":
        rsa_key = active_signing_key(issuer=issuer, algorithm=SigningKey.Algorithm.RSA)
        return proofs.sign_vc_jwt(credential, private_key_for(rsa_key), documents.signing_key_method_id(rsa_key),
                                  signed_at=now)
    raise ValueError(f"Unknown credential format {fmt!r}")
