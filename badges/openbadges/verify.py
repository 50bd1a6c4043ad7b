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
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

import base58
import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import bake, jsonld, ob3, proofs
from . import did as ob_did
from .keys import KeyFormatError, ed25519_public_from_multibase, load_public_pem, resolve_did_key
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
    # Whom the badge names, as its issuer recorded them (only what the badge itself
    # discloses: a name, or an identity given in clear; a hashed e-mail names nobody).
    holder: str = ""
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


def _clear_text(value: Any) -> str:
    return " ".join(value.split())[:200] if isinstance(value, str) else ""


def _ob2_holder(assertion: Mapping[str, Any]) -> str:
    """The 1EdTech Recipient Profile extension's name, or an identity not hashed."""
    for key, value in assertion.items():
        if key.endswith("recipientProfile") and isinstance(value, dict) and _clear_text(value.get("name")):
            return _clear_text(value.get("name"))
    recipient = assertion.get("recipient") or {}
    if isinstance(recipient, dict) and recipient.get("hashed") is False:
        return _clear_text(recipient.get("identity"))
    return ""


def _ob3_holder(subject: Any) -> str:
    """credentialSubject.name, else an identifier of type name (or an id) given in clear."""
    if not isinstance(subject, dict):
        return ""
    if _clear_text(subject.get("name")):
        return _clear_text(subject.get("name"))
    for ident in _as_list(subject.get("identifier")):
        if isinstance(ident, dict) and ident.get("identityType") == "name" and ident.get("hashed") is False:
            return _clear_text(ident.get("identityHash"))
    subject_id = _clear_text(subject.get("id"))
    return subject_id if subject_id.startswith(("https://", "http://")) else ""


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
    report.holder = _ob2_holder(assertion)
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


# --- OB 3.0: keys -----------------------------------------------------------------

MAX_CONTEXTS = 5  # remote JSON-LD contexts fetched for one document, imports included


class KeyProblem(Exception):
    """A verification method could not be resolved (reported as such, not as a bad signature)."""


@dataclass
class ResolvedKey:
    method_id: str
    public_key: Any  # a cryptography public key object
    controller: str
    revoked: str = ""  # when its controller declared it compromised, as published


@dataclass
class _Ob3Context:
    """What one verification needs to resolve keys: the fetchers, what is already known."""

    fetch: Fetch
    fetch_static: Fetch  # DID documents and JSON-LD contexts: the caller may cache them
    trusted_keys: Mapping[str, tuple[str, str]]
    allow_loopback_http: bool = False
    did_documents: dict[str, dict] = field(default_factory=dict)

    def _json(self, fetcher: Fetch, url: str, what: str) -> dict:
        try:
            status, _ctype, body = fetcher(url)
        except Exception as exc:
            raise KeyProblem(f"{what} introuvable : {url} ({exc})") from exc
        if status != 200:
            raise KeyProblem(f"{what} introuvable (HTTP {status}) : {url}")
        try:
            value = json.loads(body)
        except ValueError as exc:
            raise KeyProblem(f"{what} illisible : {url}") from exc
        if not isinstance(value, dict):
            raise KeyProblem(f"{what} illisible : {url}")
        return value

    def did_document(self, did_url: str) -> dict:
        did = did_url.split("#", 1)[0]
        if did not in self.did_documents:
            try:
                url = ob_did.did_web_document_url(did, allow_loopback_http=self.allow_loopback_http)
            except ob_did.DidError as exc:
                raise KeyProblem(str(exc)) from exc
            doc = self._json(self.fetch_static, url, "Document DID")
            if doc.get("id") != did:
                raise KeyProblem(f"Le document DID publié à {url} est celui de {doc.get('id')}, pas de {did}")
            self.did_documents[did] = doc
        return self.did_documents[did]

    def resolve(self, method_id: str) -> ResolvedKey:
        if method_id in self.trusted_keys:
            key, controller = self.trusted_keys[method_id]
            public = load_public_pem(key) if "BEGIN" in key else ed25519_public_from_multibase(key)
            return ResolvedKey(method_id, public, controller)
        try:
            if method_id.startswith("did:key:"):
                multibase, controller = resolve_did_key(method_id)
                return ResolvedKey(method_id, ed25519_public_from_multibase(multibase), controller)
            if method_id.startswith("did:web:"):
                return self._resolve_did_web(method_id)
            if method_id.startswith(("https://", "http://")):
                return self._resolve_url(method_id)
        except KeyFormatError as exc:
            raise KeyProblem(str(exc)) from exc
        raise KeyProblem(f"Méthode de vérification non prise en charge : {method_id}")

    def _resolve_did_web(self, method_id: str) -> ResolvedKey:
        did = method_id.split("#", 1)[0]
        doc = self.did_document(did)
        method = ob_did.find_method(doc, method_id)
        if method is None:
            raise KeyProblem(f"Le document DID de {did} ne contient pas la clé {method_id}")
        if not ob_did.lists_for_assertion(doc, method_id):
            raise KeyProblem(f"Le document DID de {did} ne déclare pas {method_id} pour signer (assertionMethod)")
        controller = str(method.get("controller") or did)
        if controller != did:
            raise KeyProblem(f"La clé {method_id} est contrôlée par {controller}, pas par {did}")
        return ResolvedKey(method_id, ob_did.public_key_of_method(method), controller, str(method.get("revoked") or ""))

    def _resolve_url(self, method_id: str) -> ResolvedKey:
        base, _frag = urldefrag(method_id)
        doc = self._json(self.fetch, base, "Clé publique")
        method = ob_did.find_method(doc, method_id)
        if method is None:
            raise KeyProblem(f"Clé {method_id} absente du document publié")
        # OB 2.0 CryptographicKey says owner, Multikey / DID say controller.
        controller = str(method.get("controller") or method.get("owner") or "")
        if controller and controller != base:
            # The controller must list the key, or anyone could claim any issuer.
            if controller.startswith("did:web:"):
                listed = ob_did.lists_for_assertion(self.did_document(controller), method_id)
            elif controller.startswith(("https://", "http://")):
                profile = self._json(self.fetch, controller, "Profil du contrôleur de la clé")
                listed = ob_did.lists_for_assertion(profile, method_id) or method_id in _method_ids(
                    profile.get("publicKey"))
            else:
                listed = False
            if not listed:
                raise KeyProblem(f"Le profil de {controller} ne déclare pas la clé {method_id}")
        return ResolvedKey(method_id, ob_did.public_key_of_method(method), controller or base,
                           str(method.get("revoked") or ""))

    def same_issuer(self, a: str, b: str) -> bool:
        """``a`` and ``b`` name one issuer: equal, or a did:web and an https Profile that
        name each other (alsoKnownAs both ways) — a badge issued before the issuer moved
        to did:web keeps its https issuer id while its status list is now signed by the DID."""
        if a == b:
            return True
        did, url = (a, b) if a.startswith("did:web:") else (b, a)
        if not did.startswith("did:web:") or not url.startswith(("https://", "http://")):
            return False
        try:
            if url not in _as_list(self.did_document(did).get("alsoKnownAs")):
                return False
            return did in _as_list(self._json(self.fetch, url, "Profil de l'émetteur").get("alsoKnownAs"))
        except KeyProblem:
            return False


def _method_ids(value: Any) -> set[str]:
    return {str(m if isinstance(m, str) else m.get("id")) for m in _as_list(value) if isinstance(m, (str, dict))}


def _compromised(key: ResolvedKey, signed_at: datetime | None) -> str:
    """Why ``key`` may not vouch for a signature made at ``signed_at``, or ''. Compared
    at full precision: a key compromised at 10:00:00.4 does not sign at 10:00:00.7."""
    if not key.revoked:
        return ""
    try:
        revoked = parse_datetime(key.revoked)
    except ValueError:
        return f"clé déclarée compromise (date illisible : {key.revoked})"
    if signed_at is None:
        return f"clé déclarée compromise le {key.revoked}, et le badge ne dit pas quand il a été signé"
    if signed_at >= revoked:
        return f"clé déclarée compromise le {key.revoked}, badge signé le {signed_at.isoformat()}"
    return ""


# --- OB 3.0: JSON-LD contexts and Data Integrity proofs ------------------------------


def _context_urls(value: Any, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                for ctx in _as_list(item):
                    if isinstance(ctx, str) and ctx not in found:
                        found.append(ctx)
                    elif isinstance(ctx, dict):
                        _context_urls(ctx, found)
                        if isinstance(ctx.get("@import"), str) and ctx["@import"] not in found:
                            found.append(ctx["@import"])
            else:
                _context_urls(item, found)
    elif isinstance(value, list):
        for item in value:
            _context_urls(item, found)


def _remote_contexts(document: dict, ctx: _Ob3Context) -> dict[str, dict]:
    """Extension contexts we do not ship, fetched through the safe fetcher (cacheable).
    Raises KeyProblem naming the first one that cannot be had."""
    pending: list[str] = []
    _context_urls(document, pending)
    fetched: dict[str, dict] = {}
    while pending:
        url = pending.pop(0)
        if url in jsonld.CONTEXT_FILES or url in fetched:
            continue
        if len(fetched) >= MAX_CONTEXTS:
            raise KeyProblem(f"Trop de contextes JSON-LD à charger : {url}")
        parts = urlsplit(url)
        if not (parts.scheme == "https" or (ctx.allow_loopback_http and _is_loopback_http(url))):
            raise KeyProblem(f"Contexte JSON-LD inconnu : {url}")
        try:
            doc = ctx._json(ctx.fetch_static, url, "Contexte JSON-LD")
        except KeyProblem as exc:
            raise KeyProblem(f"Contexte JSON-LD inconnu : {url}") from exc
        if "@context" not in doc:
            raise KeyProblem(f"Contexte JSON-LD inconnu : {url} n'est pas un contexte")
        fetched[url] = doc
        found: list[str] = []
        _context_urls(doc, found)
        pending.extend(u for u in found if u not in fetched)
    return fetched


@dataclass
class _ProofOutcome:
    verified: bool = False
    kind: str = ""  # "" | structure | context | undefined | key | signature | compromised
    error: str = ""
    method: str = ""
    key: ResolvedKey | None = None


def _select_proof(document: dict) -> dict | None:
    # A proof may be one object or a set (VC 2.0): any eddsa-rdfc-2022 one will do.
    for proof in _as_list(document.get("proof")):
        if isinstance(proof, dict) and proof.get("cryptosuite") == proofs.CRYPTOSUITE:
            return proof
    first = _as_list(document.get("proof"))
    return first[0] if first and isinstance(first[0], dict) else None


def _verify_data_integrity(document: dict, ctx: _Ob3Context, *, purpose: str = "assertionMethod") -> _ProofOutcome:
    """eddsa-rdfc-2022, as strict as Digital Bazaar's verifier: a term no context
    defines is not covered by the signature, so the document is refused."""
    outcome = _ProofOutcome()
    proof = _select_proof(document)
    if proof is None:
        return _ProofOutcome(False, "structure", "Aucune preuve eddsa-rdfc-2022")
    outcome.method = str(proof.get("verificationMethod", ""))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != proofs.CRYPTOSUITE:
        outcome.kind, outcome.error = "structure", f"Preuve non prise en charge : {proof.get('type')}"
        return outcome
    if proof.get("proofPurpose") != purpose:
        outcome.kind, outcome.error = "structure", f"proofPurpose inattendu : {proof.get('proofPurpose')!r}"
        return outcome
    value = str(proof.get("proofValue", ""))
    try:
        signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
    except ValueError:
        signature = b""
    if not signature:
        outcome.kind, outcome.error = "structure", "proofValue n'est pas en base58btc"
        return outcome
    try:
        extra = _remote_contexts(document, ctx)
        outcome.key = ctx.resolve(outcome.method)
    except KeyProblem as exc:
        outcome.kind = "context" if "Contexte JSON-LD" in str(exc) or "contextes JSON-LD" in str(exc) else "key"
        outcome.error = str(exc)
        return outcome
    if not isinstance(outcome.key.public_key, ed25519.Ed25519PublicKey):
        outcome.kind, outcome.error = "key", "eddsa-rdfc-2022 demande une clé Ed25519"
        return outcome
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        with jsonld.extra_contexts(extra):
            config, canonical = proofs.canonical_forms(unsecured, options, strict=True)
    except jsonld.UndefinedTermError as exc:
        outcome.kind = "undefined"
        outcome.error = f"propriété ou type « {exc.term} » qu'aucun contexte ne définit"
        return outcome
    except jsonld.ContextNotAvailableError as exc:
        outcome.kind, outcome.error = "context", f"Contexte JSON-LD inconnu : {exc}"
        return outcome
    except Exception as exc:  # malformed JSON-LD
        outcome.kind, outcome.error = "signature", f"{type(exc).__name__}: {exc}"
        return outcome
    try:
        outcome.key.public_key.verify(signature, proofs.hash_data(config, canonical))
    except InvalidSignature:
        outcome.kind, outcome.error = "signature", "Signature Ed25519 invalide"
        return outcome
    created = str(proof.get("created", ""))
    try:
        signed_at = parse_datetime(created) if created else None
    except ValueError:
        signed_at = None
    why = _compromised(outcome.key, signed_at)
    if why:
        outcome.kind, outcome.error = "compromised", why
        return outcome
    outcome.verified = True
    return outcome


def _report_proof(report: VerificationReport, outcome: _ProofOutcome, kind: str) -> None:
    """The signature check as the person reads it; raises _Stop when it failed."""
    detail = f"{kind}, {outcome.method}" + (f" : {outcome.error}" if outcome.error else "")
    if outcome.verified:
        report.add("signature", True, "La signature est valide", detail)
        return
    message = {
        "compromised": "Clé compromise : ce badge a été signé avec une clé que son émetteur a déclarée compromise",
        "context": "Contexte inconnu : le badge utilise un vocabulaire JSON-LD introuvable, sa signature ne peut "
                   "pas être vérifiée",
        "undefined": "Le badge contient des informations que sa signature ne couvre pas",
        "key": "La clé de signature est introuvable ou n'appartient pas à l'émetteur",
    }.get(outcome.kind, "La signature est invalide")
    code = "context" if outcome.kind == "context" else "signature"
    report.add(code, False, message, detail)
    raise _Stop


# --- OB 3.0 ------------------------------------------------------------------------


def _is_loopback_http(url: str) -> bool:
    # Plain http is only acceptable on this machine (development servers, tests).
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ob_did.LOOPBACK_HOSTS


def _jwt_credential(token: str) -> dict:
    payload = _b64json(token.split(".")[1])
    if isinstance(payload.get("vc"), dict):
        return payload["vc"]
    return {k: v for k, v in payload.items() if k not in proofs.JWT_REGISTERED}


def _verify_jwt_proof(token: str, issuer_id: str, ctx: _Ob3Context) -> _ProofOutcome:
    resolved: dict[str, ResolvedKey] = {}

    def resolve(kid: str) -> tuple[Any, str]:
        # A relative kid ("#key-1") is relative to the issuer's DID.
        key = ctx.resolve(issuer_id + kid if kid.startswith("#") else kid)
        resolved["key"] = key
        return key.public_key, key.controller

    result = proofs.verify_vc_jwt(token, resolve)
    # did:key is resolved by the engine itself, from the DID.
    key = resolved.get("key") or (ResolvedKey(result.kid, None, result.controller) if result.controller else None)
    outcome = _ProofOutcome(result.verified, "", result.error, result.kid, key)
    if not result.verified:
        outcome.kind = "key" if "KeyProblem" in result.error else "signature"
        outcome.error = result.error.removeprefix("KeyProblem: ")
        return outcome
    signed_at = datetime.fromtimestamp(result.signed_at, UTC) if result.signed_at is not None else None
    why = _compromised(outcome.key, signed_at) if outcome.key else ""
    if why:
        outcome.verified, outcome.kind, outcome.error = False, "compromised", why
    return outcome


def _verify_ob3(
    doc: Any,
    report: VerificationReport,
    ctx: _Ob3Context,
    now: datetime,
    email: str | None,
) -> None:
    report.version = "ob3"
    token = doc if isinstance(doc, str) else None
    credential = _jwt_credential(token) if token else doc
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
    if not issuer_id or not isinstance(issuer_id, str):
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
        outcome = _verify_jwt_proof(token, issuer_id, ctx)
        kind = f"VC-JWT {jwt.get_unverified_header(token).get('alg')}"
    else:
        outcome = _verify_data_integrity(credential, ctx)
        kind = "eddsa-rdfc-2022"
    _report_proof(report, outcome, kind)
    controller = outcome.key.controller if outcome.key else ""
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

    checked = unknown = 0
    for entry in _as_list(credential.get("credentialStatus")):
        if _check_ob3_status(entry, credential, report, ctx, issuer_id):
            checked += 1
        else:
            unknown += 1
        if report.status == "revoked":
            raise _Stop
    if checked or not unknown:
        report.add("revocation", True, "Le badge n'a pas été révoqué")
    report.status = "valid"
    report.holder = _ob3_holder(subject)
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
        report.checks.append(_verify_endorsement(endorsement, ctx, str(target.get("id", ""))))
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
    trusted_keys: Mapping[str, tuple[str, str]] | None = None, fetch_static: Fetch | None = None,
    allow_loopback_http: bool = False,
) -> Check:
    """An OB 3.0 EndorsementCredential: its own eddsa-rdfc-2022 proof, by a key its
    endorser controls, about ``subject_id`` (the thing it is embedded in) when given.
    Returns a warning-level check: an endorsement never decides whether a badge is valid."""
    ctx = _Ob3Context(fetch, fetch_static or fetch, trusted_keys or {}, allow_loopback_http)
    return _verify_endorsement(endorsement, ctx, subject_id)


def _verify_endorsement(endorsement: Any, ctx: _Ob3Context, subject_id: str | None) -> Check:
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
    elif subject_id is not None and not ctx.same_issuer(str(subject.get("id", "")), subject_id):
        # same_issuer: an endorsement of an issuer made before it moved to did:web names its https id.
        problem = f"elle porte sur {subject.get('id')}, pas sur {subject_id}"
    else:
        try:
            outcome = _verify_data_integrity(endorsement, ctx)
        except Exception as exc:  # a hostile endorsement must not take the badge's report down
            outcome = _ProofOutcome(False, "signature", f"{type(exc).__name__}: {exc}")
        controller = outcome.key.controller if outcome.key else ""
        if outcome.kind == "compromised":
            problem = f"clé compromise : {outcome.error}"
        elif not outcome.verified:
            problem = f"signature invalide : {outcome.error}"
        elif controller != endorser_id:
            problem = f"la clé appartient à {controller}, pas à {endorser_id}"
    if problem:
        return Check("endorsement", False, f"Recommandé par {name} — signature non vérifiée",
                     f"{endorsement.get('id')} : {problem}", "warning")
    return Check("endorsement", True, f"Recommandé par {name} — signature vérifiée",
                 f"{endorsement.get('id')} : « {subject.get('endorsementComment', '')} »", "warning")


def _status_list_refused(report: VerificationReport, message: str, detail: str) -> None:
    report.add("revocation", False, message, detail)
    report.status = "invalid"
    raise _Stop


def _check_status_list_proof(status_list: Any, url: str, report: VerificationReport, ctx: _Ob3Context,
                             issuer_id: str) -> None:
    """A status list speaks for the badge only when its issuer signed it: otherwise
    whoever serves the list could un-revoke a badge (an unsigned list included)."""
    if not isinstance(status_list, dict) or not status_list.get("proof"):
        _status_list_refused(report, "La liste de révocation n'est pas signée par l'émetteur : impossible de "
                                     "savoir si le badge a été révoqué", f"{url} : aucune preuve")
    outcome = _verify_data_integrity(status_list, ctx)
    controller = outcome.key.controller if outcome.key else ""
    list_issuer = status_list.get("issuer")
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if not outcome.verified:
        _status_list_refused(report, "La liste de révocation n'est pas signée par l'émetteur",
                             f"{url} : {outcome.error}")
    if not (controller == list_issuer and ctx.same_issuer(controller, issuer_id)):
        _status_list_refused(report, "La liste de révocation n'est pas signée par l'émetteur",
                             f"{url} : signée par {controller}, émetteur du badge {issuer_id}")


STATUS_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry", "1EdTechRevocationList")


def _check_ob3_status(entry: Any, credential: dict, report: VerificationReport, ctx: _Ob3Context,
                      issuer_id: str) -> bool:
    """Check one credentialStatus entry; False when it could not be checked (a warning)."""
    etype = str(entry.get("type", "")) if isinstance(entry, dict) else ""
    if etype not in STATUS_TYPES:
        report.add("revocation", False, "Statut de révocation impossible à vérifier",
                   f"type de statut inconnu : {etype or entry!r}", level="warning")
        return False
    if etype == "1EdTechRevocationList":
        _s, rev = _fetch_json(ctx.fetch, str(entry.get("id", "")), report, "la liste de révocation")
        for item in _as_list((rev or {}).get("revokedCredentials") or (rev or {}).get("revokedAssertions")):
            item_id = item if isinstance(item, str) else item.get("id")
            if item_id == credential.get("id"):
                reason = "" if isinstance(item, str) else str(item.get("revocationReason", ""))
                _revoked(report, reason, str(entry.get("id")))
                break
        return True
    purpose = str(entry.get("statusPurpose", "revocation"))
    if purpose not in ("revocation", "suspension"):
        return True  # e.g. "message": says nothing about validity
    url = str(entry.get("statusListCredential", ""))
    _s, status_list = _fetch_json(ctx.fetch, url, report, "la liste de statut")
    _check_status_list_proof(status_list, url, report, ctx, issuer_id)
    subject = (_as_list((status_list or {}).get("credentialSubject")) or [{}])[0]
    if isinstance(subject, dict) and subject.get("statusPurpose", purpose) != purpose:
        _status_list_refused(report, "La liste de statut ne correspond pas au badge",
                             f"{url} : {subject.get('statusPurpose')} au lieu de {purpose}")
    try:
        bit = ob3.status_bit(str(subject.get("encodedList", "")), int(entry.get("statusListIndex", -1)))
    except (ValueError, OSError, AttributeError) as exc:
        report.add("revocation", False, "La liste de statut est illisible", str(exc))
        report.status = "invalid"
        raise _Stop from exc
    if bit:
        reason = "suspendu" if purpose == "suspension" else ""
        _revoked(report, reason, f"{url} index {entry.get('statusListIndex')}")
    return True


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
    fetch_static: Fetch | None = None,
    allow_loopback_http: bool = False,
) -> VerificationReport:
    """Verify a badge given as image bytes, URL, JSON (text or dict), JWS or VC-JWT.

    ``trusted_keys``: key URL -> (public key as PEM or multibase, owner/controller id);
    such keys are used without fetching (our own keys, known to the caller).
    ``fetch_static``: fetches what changes rarely (DID documents, JSON-LD contexts), so
    the caller may cache it; ``fetch`` by default.
    ``allow_loopback_http``: did:web and contexts on this machine's addresses may be
    fetched over plain http (development and tests; https only otherwise).
    ``recipient_match`` is reported separately and does not change ``status``.
    """
    report = VerificationReport()
    trusted = trusted_keys or {}
    ctx = _Ob3Context(fetch, fetch_static or fetch, trusted, allow_loopback_http)
    try:
        loaded = _load(input, fetch, report)
        version = _version_of(loaded)
        if version == "ob2":
            _verify_ob2(loaded, report, fetch, now, expected_email, trusted)
        elif version == "ob3":
            _verify_ob3(loaded, report, ctx, now, expected_email)
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
    if report.status not in ("valid", "expired"):
        report.holder = ""  # a badge that is not genuine names nobody
    report.valid = report.status == "valid"
    return report
