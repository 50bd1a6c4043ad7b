"""Verification of any Open Badge (2.0 hosted/signed, 3.0 Data Integrity or VC-JWT).

Pure: the caller supplies ``fetch`` (with its own timeouts, size limits and
address filtering) and ``now``. Messages are in French for the verify page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

import jwt

from . import bake, ob3, proofs
from .keys import KeyFormatError, load_public_pem, public_multibase_from_pem, resolve_did_key
from .util import parse_datetime

Fetch = Callable[[str], tuple[int, str, bytes]]
# Each embedded endorsement may cost two fetches (key, profile): a badge cannot make us fetch more.
MAX_ENDORSEMENTS = 10
JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


@dataclass
class Check:
    code: str
    ok: bool
    message: str
    detail: str = ""
    # "warning": reported, but does not make the badge invalid (endorsements).
    level: str = "error"


@dataclass
class VerificationReport:
    valid: bool = False
    status: str = "invalid"  # valid | invalid | revoked | expired
    version: str = ""  # ob2 | ob3
    badge_name: str = ""
    issuer_name: str = ""
    recipient_match: bool | None = None  # None when no e-mail was given
    revocation_reason: str = ""
    checks: list[Check] = field(default_factory=list)
    document: dict[str, Any] | None = None

    def add(self, code: str, ok: bool, message: str, detail: str = "", *, level: str = "error") -> bool:
        self.checks.append(Check(code, ok, message, detail, level))
        return ok


class _Stop(Exception):
    """A check failed in a way that makes further checks meaningless."""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(doc: Mapping[str, Any]) -> set[str]:
    return {str(t) for t in _as_list(doc.get("type") or doc.get("@type"))}


def _fetch_json(fetch: Fetch, url: str, report: VerificationReport, what: str) -> tuple[int, Any]:
    try:
        status, _ctype, body = fetch(url)
    except Exception as exc:
        report.add("fetch", False, f"Impossible de récupérer {what}", f"{url}: {exc}")
        raise _Stop from exc
    if status == 410:
        return status, None
    if status != 200:
        report.add("fetch", False, f"Impossible de récupérer {what} (HTTP {status})", url)
        raise _Stop
    try:
        return status, json.loads(body)
    except ValueError as exc:
        report.add("fetch", False, f"{what.capitalize()} n'est pas un JSON valide", url)
        raise _Stop from exc


# --- input -----------------------------------------------------------------------


def _load(input_: Any, fetch: Fetch, report: VerificationReport) -> Any:
    """Turn any accepted input into a dict (JSON) or a str (compact JWS/JWT)."""
    if isinstance(input_, dict):
        return input_
    if isinstance(input_, (bytes, bytearray)):
        data = bytes(input_)
        if data.startswith(bake.PNG_SIGNATURE):
            found = bake.extract_png(data)
            if not found:
                report.add("format", False, "Cette image PNG ne contient pas de badge")
                raise _Stop
            report.add("format", True, "Badge extrait de l'image PNG", found[0])
            return _load(found[1], fetch, report)
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        if text.startswith("<"):
            try:
                found_svg = bake.extract_svg(data)
            except bake.BakeError as exc:
                report.add("format", False, "Image SVG illisible", str(exc))
                raise _Stop from exc
            if not found_svg:
                report.add("format", False, "Cette image SVG ne contient pas de badge")
                raise _Stop
            _name, embedded, verify_url = found_svg
            report.add("format", True, "Badge extrait de l'image SVG")
            return _load(embedded or verify_url, fetch, report)
        return _load(text, fetch, report)
    if not isinstance(input_, str):
        report.add("format", False, "Format d'entrée non reconnu")
        raise _Stop
    text = input_.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            report.add("format", False, "Le JSON fourni est invalide", str(exc))
            raise _Stop from exc
    if JWS_RE.match(text):
        return text
    if text.startswith(("https://", "http://")):
        try:
            status, ctype, body = fetch(text)
        except Exception as exc:
            report.add("fetch", False, "Impossible de récupérer le badge à cette adresse", str(exc))
            raise _Stop from exc
        if status == 410:
            report.add("revocation", False, "Ce badge a été révoqué par son émetteur", "HTTP 410")
            report.status = "revoked"
            raise _Stop
        if status != 200:
            report.add("fetch", False, f"Impossible de récupérer le badge (HTTP {status})", text)
            raise _Stop
        if body.startswith(bake.PNG_SIGNATURE) or "svg" in (ctype or "") or body.lstrip().startswith(b"<"):
            return _load(body, fetch, report)
        return _load(body.decode("utf-8", errors="replace"), fetch, report)
    report.add("format", False, "Format d'entrée non reconnu")
    raise _Stop


def _b64json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# --- shared checks -----------------------------------------------------------------


def _check_email(identity: str, hashed: bool, salt: str, email: str) -> bool:
    if not hashed:
        return identity.strip().lower() == email.strip().lower()
    alg, _, digest = identity.partition("$")
    alg = alg.lower()
    if alg not in ("sha256", "md5") or not digest:
        return False
    for candidate in {email, email.strip(), email.strip().lower()}:
        if hashlib.new(alg, (candidate + (salt or "")).encode("utf-8")).hexdigest() == digest.lower():
            return True
    return False


def _check_dates(report: VerificationReport, now: datetime, *, start: str | None, end: str | None) -> None:
    try:
        if start and parse_datetime(start) > now:
            report.add("expiry", False, "Ce badge n'est pas encore valide", start)
            report.status = "invalid"
            return
        if end and parse_datetime(end) <= now:
            report.add("expiry", False, "Ce badge a expiré", end)
            if report.status == "valid":
                report.status = "expired"
            return
    except ValueError:
        report.add("expiry", False, "Date de validité illisible", f"{start} / {end}")
        report.status = "invalid"
        return
    report.add("expiry", True, "Le badge n'a pas expiré" if end else "Ce badge n'a pas de date d'expiration")


def _revoked(report: VerificationReport, reason: str, detail: str) -> None:
    report.revocation_reason = reason
    message = "Ce badge a été révoqué par son émetteur"
    report.add("revocation", False, f"{message} : {reason}" if reason else message, detail)
    report.status = "revoked"


# --- OB 2.0 ------------------------------------------------------------------------


def _same_origin(a: str, b: str) -> bool:
    sa, sb = urlsplit(a), urlsplit(b)
    return (sa.scheme, sa.netloc.lower()) == (sb.scheme, sb.netloc.lower())


def _verify_ob2(
    doc: Any,
    report: VerificationReport,
    fetch: Fetch,
    now: datetime,
    email: str | None,
    trusted_keys: Mapping[str, tuple[str, str]],
) -> None:
    report.version = "ob2"
    signed_token = doc if isinstance(doc, str) else None
    if signed_token:
        try:
            assertion = json.loads(
                jwt.api_jws.decode_complete(signed_token, options={"verify_signature": False})["payload"]
            )
        except Exception as exc:
            report.add("structure", False, "Le badge signé est illisible", str(exc))
            raise _Stop from exc
    else:
        assertion = doc
    report.document = assertion
    missing = [k for k in ("recipient", "badge", "issuedOn", "verification") if k not in assertion]
    if missing or not assertion.get("id"):
        report.add("structure", False, "Le badge est incomplet", "champs manquants : " + ", ".join(missing or ["id"]))
        raise _Stop
    verification = assertion.get("verification") or {}
    vtype = str(verification.get("type", "")).lower()
    signed = vtype in ("signedbadge", "signed")
    if signed and not signed_token:
        report.add("signature", False, "Ce badge doit être vérifié par sa signature, absente ici")
        raise _Stop

    if not signed:
        # Hosted: the copy at the assertion's own URL is authoritative.
        status, hosted = _fetch_json(fetch, assertion["id"], report, "le badge hébergé")
        if status == 410:
            _revoked(report, "", "HTTP 410 Gone")
            raise _Stop
        if not isinstance(hosted, dict) or hosted.get("id") != assertion["id"]:
            report.add("hosted", False, "Le badge hébergé ne correspond pas", assertion["id"])
            raise _Stop
        if hosted.get("revoked") is True:
            _revoked(report, str(hosted.get("revocationReason", "")), "revoked: true")
            raise _Stop
        assertion = hosted
        report.document = assertion
        report.add("hosted", True, "Le badge est bien publié à l'adresse de son émetteur", assertion["id"])

    badge = assertion["badge"]
    if isinstance(badge, str):
        _s, badge = _fetch_json(fetch, badge, report, "la description du badge")
    if not isinstance(badge, dict):
        report.add("structure", False, "Description du badge introuvable")
        raise _Stop
    report.badge_name = str(badge.get("name", ""))
    issuer = badge.get("issuer")
    if isinstance(issuer, str):
        _s, issuer = _fetch_json(fetch, issuer, report, "le profil de l'émetteur")
    if not isinstance(issuer, dict) or not issuer.get("id"):
        report.add("structure", False, "Profil de l'émetteur introuvable")
        raise _Stop
    report.issuer_name = str(issuer.get("name", ""))
    report.add("structure", True, "La structure du badge est conforme à Open Badges 2.0")

    if signed:
        _verify_ob2_signature(signed_token, verification, assertion, issuer, report, fetch, trusted_keys)
    else:
        allowed = _as_list(verification.get("allowedOrigins"))
        starts = _as_list(verification.get("startsWith"))
        origin_ok = (
            any(urlsplit(assertion["id"]).netloc == o for o in allowed)
            if allowed
            else _same_origin(assertion["id"], issuer["id"])
        ) and (not starts or any(assertion["id"].startswith(s) for s in starts))
        if not report.add(
            "key_owner",
            origin_ok,
            "Le badge est hébergé par son émetteur"
            if origin_ok
            else "Le badge n'est pas hébergé sur le domaine de son émetteur",
            f"{assertion['id']} / {issuer['id']}",
        ):
            raise _Stop

    revocation_url = issuer.get("revocationList")
    if revocation_url:
        _s, rev = _fetch_json(fetch, revocation_url, report, "la liste de révocation")
        entries = _as_list((rev or {}).get("revokedAssertions"))
        for entry in entries:
            ids = {entry} if isinstance(entry, str) else {entry.get("id"), entry.get("uid")}
            if assertion["id"] in ids or (assertion.get("uid") and assertion["uid"] in ids):
                reason = "" if isinstance(entry, str) else str(entry.get("revocationReason", ""))
                _revoked(report, reason, revocation_url)
                raise _Stop
    report.add("revocation", True, "Le badge n'a pas été révoqué")
    report.status = "valid"
    _check_dates(report, now, start=None, end=assertion.get("expires"))

    recipient = assertion.get("recipient") or {}
    if email is not None:
        match = str(recipient.get("type", "email")) == "email" and _check_email(
            str(recipient.get("identity", "")), bool(recipient.get("hashed")), str(recipient.get("salt") or ""), email
        )
        report.recipient_match = match
        report.add(
            "recipient",
            match,
            "Ce badge a bien été délivré à cette adresse e-mail"
            if match
            else "Ce badge n'a pas été délivré à cette adresse e-mail",
        )


def _verify_ob2_signature(
    token: str,
    verification: dict,
    assertion: dict,
    issuer: dict,
    report: VerificationReport,
    fetch: Fetch,
    trusted_keys: Mapping[str, tuple[str, str]],
) -> None:
    creator = verification.get("creator")
    header = jwt.get_unverified_header(token)
    if not creator:
        report.add("signature", False, "La clé de signature n'est pas indiquée")
        raise _Stop
    if creator in trusted_keys:
        pem, owner = trusted_keys[creator]
        key_doc: dict[str, Any] = {"id": creator, "owner": owner, "publicKeyPem": pem}
        issuer_keys = {creator}
    else:
        _s, key_doc = _fetch_json(fetch, creator, report, "la clé publique de l'émetteur")
        issuer_keys = {k if isinstance(k, str) else k.get("id") for k in _as_list(issuer.get("publicKey"))}
    # OB 2.0 lists one publicKey (the current key). A retired key is still the issuer's when
    # the issuer's own origin serves it, as itself, with owner = the issuer: badges it signed
    # stay valid. Another origin cannot speak for the issuer.
    owner_ok = key_doc.get("owner") == issuer["id"] and (
        creator in issuer_keys or (_same_origin(creator, issuer["id"]) and key_doc.get("id") == creator))
    if not report.add(
        "key_owner",
        owner_ok,
        "La clé de signature appartient bien à l'émetteur"
        if owner_ok
        else "La clé de signature n'appartient pas à l'émetteur du badge",
        f"clé {creator}, propriétaire {key_doc.get('owner')}, émetteur {issuer['id']}",
    ):
        raise _Stop
    try:
        jwt.api_jws.decode_complete(
            token, load_public_pem(key_doc["publicKeyPem"]), algorithms=[header.get("alg", "RS256")]
        )
    except Exception as exc:
        report.add("signature", False, "La signature est invalide", str(exc))
        raise _Stop from exc
    revoked_at = key_doc.get("revoked")
    if revoked_at and parse_datetime(str(revoked_at)) <= parse_datetime(assertion["issuedOn"]):
        report.add(
            "signature", False, "La clé de signature avait été révoquée avant l'émission du badge", str(revoked_at)
        )
        raise _Stop
    report.add("signature", True, "La signature est valide", f"RS256, clé {creator}")


# --- OB 3.0 ------------------------------------------------------------------------


def _is_loopback_http(url: str) -> bool:
    # Plain http is only acceptable on this machine (development servers, tests).
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _find_method(doc: Mapping[str, Any], vm: str) -> dict[str, Any] | None:
    if doc.get("id") == vm:
        return dict(doc)
    for key in ("verificationMethod", "assertionMethod"):
        for item in _as_list(doc.get(key)):
            if isinstance(item, dict) and item.get("id") == vm:
                return item
    return None


def _ob3_resolver(
    issuer_id: str, fetch: Fetch, trusted_keys: Mapping[str, tuple[str, str]], report: VerificationReport, created: str
):
    def resolve(vm: str) -> tuple[str, str]:
        if vm in trusted_keys:
            key, controller = trusted_keys[vm]
            return (public_multibase_from_pem(key) if "BEGIN" in key else key), controller
        if vm.startswith("did:key:"):
            return resolve_did_key(vm)
        if not (vm.startswith("https://") or _is_loopback_http(vm)):
            raise KeyFormatError(f"Méthode de vérification non prise en charge : {vm}")
        base, _frag = urldefrag(vm)
        status, body_type, body = fetch(base)
        if status != 200:
            raise KeyFormatError(f"Clé introuvable (HTTP {status})")
        method = _find_method(json.loads(body), vm)
        if not method or not method.get("publicKeyMultibase"):
            raise KeyFormatError("Clé publique absente du document")
        revoked = method.get("revoked")
        if revoked and (not created or parse_datetime(str(revoked)) <= parse_datetime(created)):
            raise KeyFormatError(f"Clé révoquée le {revoked}")
        controller = str(method.get("controller", ""))
        if controller == issuer_id and controller != base:
            # The issuer profile must list the key, or anyone could claim any issuer.
            st, _t, profile_body = fetch(issuer_id)
            listed = st == 200 and any(
                (m if isinstance(m, str) else m.get("id")) == vm
                for m in _as_list(json.loads(profile_body).get("assertionMethod"))
            )
            if not listed:
                raise KeyFormatError("Le profil de l'émetteur ne déclare pas cette clé")
        return method["publicKeyMultibase"], controller

    return resolve


def _verify_ob3(
    doc: Any,
    report: VerificationReport,
    fetch: Fetch,
    now: datetime,
    email: str | None,
    trusted_keys: Mapping[str, tuple[str, str]],
) -> None:
    report.version = "ob3"
    token = doc if isinstance(doc, str) else None
    if token:
        payload = _b64json(token.split(".")[1])
        credential = payload.get("vc") if isinstance(payload.get("vc"), dict) else payload
    else:
        credential = doc
    report.document = credential
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = credential.get("credentialSubject")
    subject = (_as_list(subject) or [{}])[0]
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    types = _types(credential)
    problems = []
    if "VerifiableCredential" not in types or not types & {"OpenBadgeCredential", "AchievementCredential"}:
        problems.append("type")
    if not issuer_id:
        problems.append("issuer")
    if not isinstance(achievement, dict):
        problems.append("credentialSubject.achievement")
    if not (credential.get("validFrom") or credential.get("issuanceDate")):
        problems.append("validFrom")
    if problems:
        report.add("structure", False, "Le badge est incomplet", "champs invalides : " + ", ".join(problems))
        raise _Stop
    report.badge_name = str(achievement.get("name") or credential.get("name") or "")
    report.issuer_name = str(issuer.get("name", "")) if isinstance(issuer, dict) else ""
    report.add("structure", True, "La structure du badge est conforme à Open Badges 3.0")

    if token:
        result = proofs.verify_vc_jwt(token, _ob3_resolver(issuer_id, fetch, trusted_keys, report, ""))
        ok, method, controller, error = result.verified, result.kid, result.controller, result.error
        kind = "VC-JWT EdDSA"
    else:
        created = str((proofs.data_integrity_proof(credential) or {}).get("created", ""))
        pres = proofs.verify_data_integrity_proof(
            credential, _ob3_resolver(issuer_id, fetch, trusted_keys, report, created)
        )
        ok, method, controller, error = pres.verified, pres.verification_method, pres.controller, pres.error
        kind = "eddsa-rdfc-2022"
    if not report.add(
        "signature",
        ok,
        "La signature est valide" if ok else "La signature est invalide",
        f"{kind}, {method}" + (f" : {error}" if error else ""),
    ):
        raise _Stop
    owner_ok = controller == issuer_id
    if not report.add(
        "key_owner",
        owner_ok,
        "La clé de signature appartient bien à l'émetteur"
        if owner_ok
        else "La clé de signature n'appartient pas à l'émetteur du badge",
        f"contrôleur {controller}, émetteur {issuer_id}",
    ):
        raise _Stop

    for entry in _as_list(credential.get("credentialStatus")):
        _check_ob3_status(
            entry, credential, report, fetch, _ob3_resolver(issuer_id, fetch, trusted_keys, report, ""), issuer_id
        )
        if report.status == "revoked":
            raise _Stop
    report.add("revocation", True, "Le badge n'a pas été révoqué")
    report.status = "valid"
    _check_dates(
        report,
        now,
        start=credential.get("validFrom") or credential.get("issuanceDate"),
        end=credential.get("validUntil") or credential.get("expirationDate"),
    )

    endorsed = [(achievement, e) for e in _as_list(achievement.get("endorsement"))]
    if isinstance(issuer, dict):
        endorsed += [(issuer, e) for e in _as_list(issuer.get("endorsement"))]
    for target, endorsement in endorsed[:MAX_ENDORSEMENTS]:
        report.checks.append(verify_endorsement(endorsement, fetch=fetch, subject_id=str(target.get("id", "")),
                                                trusted_keys=trusted_keys))
    if len(endorsed) > MAX_ENDORSEMENTS:
        report.add("endorsement", False, f"{len(endorsed) - MAX_ENDORSEMENTS} autres recommandations non vérifiées",
                   f"au plus {MAX_ENDORSEMENTS} par badge", level="warning")

    if email is not None:
        match = False
        for ident in _as_list(subject.get("identifier")):
            if isinstance(ident, dict) and ident.get("identityType") == "emailAddress":
                match = match or _check_email(
                    str(ident.get("identityHash", "")), bool(ident.get("hashed")), str(ident.get("salt") or ""), email
                )
        if str(subject.get("id", "")).lower() == f"mailto:{email.strip().lower()}":
            match = True
        report.recipient_match = match
        report.add(
            "recipient",
            match,
            "Ce badge a bien été délivré à cette adresse e-mail"
            if match
            else "Ce badge n'a pas été délivré à cette adresse e-mail",
        )


def verify_endorsement(
    endorsement: Any, *, fetch: Fetch, subject_id: str | None = None,
    trusted_keys: Mapping[str, tuple[str, str]] | None = None,
) -> Check:
    """An OB 3.0 EndorsementCredential: its own eddsa-rdfc-2022 proof, by a key its
    endorser's profile lists, about ``subject_id`` (the thing it is embedded in) when given.
    Returns a warning-level check: an endorsement never decides whether a badge is valid."""
    endorsement = endorsement if isinstance(endorsement, dict) else {}
    endorser = endorsement.get("issuer")
    endorser_id = str(endorser.get("id", "") if isinstance(endorser, dict) else endorser or "")
    name = str(endorser.get("name", "")) if isinstance(endorser, dict) else ""
    name = name or endorser_id or "une organisation"
    subject = (_as_list(endorsement.get("credentialSubject")) or [{}])[0]
    subject = subject if isinstance(subject, dict) else {}
    problem = ""
    if "EndorsementCredential" not in _types(endorsement) or not endorser_id:
        problem = "ce n'est pas une EndorsementCredential"
    elif subject_id is not None and subject.get("id") != subject_id:
        problem = f"elle porte sur {subject.get('id')}, pas sur {subject_id}"
    else:
        created = str((proofs.data_integrity_proof(endorsement) or {}).get("created", ""))
        resolve = _ob3_resolver(endorser_id, fetch, trusted_keys or {}, VerificationReport(), created)
        try:
            result = proofs.verify_data_integrity_proof(endorsement, resolve)
        except Exception as exc:  # a hostile endorsement must not take the badge's report down
            result = proofs.ProofResult(False, error=f"{type(exc).__name__}: {exc}")
        if not result.verified:
            problem = f"signature invalide : {result.error}"
        elif result.controller != endorser_id:
            problem = f"la clé appartient à {result.controller}, pas à {endorser_id}"
    if problem:
        return Check("endorsement", False, f"Recommandé par {name} — signature non vérifiée",
                     f"{endorsement.get('id')} : {problem}", "warning")
    return Check("endorsement", True, f"Recommandé par {name} — signature vérifiée",
                 f"{endorsement.get('id')} : « {subject.get('endorsementComment', '')} »", "warning")


def _check_status_list_proof(status_list: Any, url: str, report: VerificationReport, resolve, issuer_id: str) -> None:
    """A signed status list must be signed by the credential's issuer: otherwise
    whoever serves the list could un-revoke a badge."""
    if not isinstance(status_list, dict) or "proof" not in status_list:
        return
    result = proofs.verify_data_integrity_proof(status_list, resolve)
    if not (result.verified and result.controller == issuer_id):
        report.add(
            "revocation",
            False,
            "La liste de révocation n'est pas signée par l'émetteur",
            f"{url}: {result.error or result.controller}",
        )
        report.status = "invalid"
        raise _Stop


def _check_ob3_status(
    entry: Any, credential: dict, report: VerificationReport, fetch: Fetch, resolve=None, issuer_id: str = ""
) -> None:
    if not isinstance(entry, dict):
        return
    etype = str(entry.get("type", ""))
    if etype in ("BitstringStatusListEntry", "StatusList2021Entry"):
        if entry.get("statusPurpose", "revocation") not in ("revocation", "suspension"):
            return
        url = str(entry.get("statusListCredential", ""))
        _s, status_list = _fetch_json(fetch, url, report, "la liste de statut")
        if resolve is not None:
            _check_status_list_proof(status_list, url, report, resolve, issuer_id)
        subject = (_as_list((status_list or {}).get("credentialSubject")) or [{}])[0]
        try:
            bit = ob3.status_bit(str(subject.get("encodedList", "")), int(entry.get("statusListIndex", -1)))
        except (ValueError, OSError) as exc:
            report.add("revocation", False, "La liste de statut est illisible", str(exc))
            report.status = "invalid"
            raise _Stop from exc
        if bit:
            reason = "suspendu" if entry.get("statusPurpose") == "suspension" else ""
            _revoked(report, reason, f"{url} index {entry.get('statusListIndex')}")
    elif etype == "1EdTechRevocationList":
        _s, rev = _fetch_json(fetch, str(entry.get("id", "")), report, "la liste de révocation")
        for item in _as_list((rev or {}).get("revokedCredentials") or (rev or {}).get("revokedAssertions")):
            item_id = item if isinstance(item, str) else item.get("id")
            if item_id == credential.get("id"):
                reason = "" if isinstance(item, str) else str(item.get("revocationReason", ""))
                _revoked(report, reason, str(entry.get("id")))
                return


# --- entry point ---------------------------------------------------------------------


def _version_of(loaded: Any) -> str:
    if isinstance(loaded, str):
        try:
            payload = _b64json(loaded.split(".")[1])
        except Exception:
            return ""
        if isinstance(payload.get("vc"), dict) or "credentialSubject" in payload:
            return "ob3"
        return "ob2" if "recipient" in payload or "badge" in payload else ""
    types = _types(loaded)
    if "VerifiableCredential" in types or "credentialSubject" in loaded:
        return "ob3"
    if "Assertion" in types or "recipient" in loaded:
        return "ob2"
    return ""


def verify(
    input: Any,
    *,
    fetch: Fetch,
    now: datetime,
    expected_email: str | None = None,
    trusted_keys: Mapping[str, tuple[str, str]] | None = None,
) -> VerificationReport:
    """Verify a badge given as image bytes, URL, JSON (text or dict), JWS or VC-JWT.

    ``trusted_keys``: key URL -> (public key as PEM or multibase, owner/controller id);
    such keys are used without fetching (our own keys, known to the caller).
    ``recipient_match`` is reported separately and does not change ``status``.
    """
    report = VerificationReport()
    trusted = trusted_keys or {}
    try:
        loaded = _load(input, fetch, report)
        version = _version_of(loaded)
        if version == "ob2":
            _verify_ob2(loaded, report, fetch, now, expected_email, trusted)
        elif version == "ob3":
            _verify_ob3(loaded, report, fetch, now, expected_email, trusted)
        else:
            report.add("format", False, "Ce document n'est pas un Open Badge reconnu")
    except _Stop:
        pass
    except Exception as exc:  # a hostile document must give a report, never a 500
        report.add("format", False, "Le badge n'a pas pu être vérifié", f"{type(exc).__name__}: {exc}")
        report.status = "invalid" if report.status != "revoked" else "revoked"
    if report.status == "valid" and not all(
        c.ok for c in report.checks if c.code != "recipient" and c.level != "warning"
    ):
        report.status = "invalid"
    report.valid = report.status == "valid"
    return report
