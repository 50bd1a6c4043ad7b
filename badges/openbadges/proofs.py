"""Proofs for OB 3.0 credentials: Data Integrity eddsa-rdfc-2022 and VC-JWT.

eddsa-rdfc-2022 follows W3C "Data Integrity EdDSA Cryptosuites v1.0":
RDFC-1.0 canonical N-Quads of the proof configuration and of the document,
SHA-256 of each (proof configuration first), Ed25519 signature, base58btc.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import base58
import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from . import jsonld
from .jsonld import UndefinedTermError  # noqa: F401  (re-exported for callers)
from .keys import ed25519_private, ed25519_public_from_multibase, load_private_pem, resolve_did_key

CRYPTOSUITE = "eddsa-rdfc-2022"

# resolve_key(verification_method_url) -> (public_multibase, controller)
KeyResolver = Callable[[str], tuple[str, str]]


class ProofError(Exception):
    pass


@dataclass
class ProofResult:
    verified: bool
    verification_method: str = ""
    controller: str = ""
    created: str = ""
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _proof_config(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in options.items() if k not in ("proofValue", "@context")}
    config["@context"] = document["@context"]
    return config


def hash_data(canonical_proof_config: str, canonical_document: str) -> bytes:
    return (
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


@lru_cache(maxsize=128)
def _canonize_config(config_json: str, strict: bool) -> str:
    return jsonld.canonize(json.loads(config_json), strict=strict)


def canonical_forms(
    document: dict[str, Any], proof_options: dict[str, Any], *, strict: bool = True
) -> tuple[str, str]:
    """(canonical proof config, canonical document) for ``document`` without its proof."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = _proof_config(unsecured, proof_options)
    # A batch signs many documents with the same key, contexts and creation
    # second: the proof configuration repeats, so its canonical form is cached.
    return _canonize_config(canonical_json(config), strict), jsonld.canonize(unsecured, strict=strict)


def _format_created(created: datetime | str) -> str:
    if isinstance(created, str):
        return created
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_data_integrity_proof(
    document: dict[str, Any],
    private_key: Any,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of ``document`` with an eddsa-rdfc-2022 DataIntegrityProof.

    ``private_key``: Ed25519 key object, PKCS#8 PEM or a ``z3u2`` multibase secret.
    Raises UndefinedTermError if the document uses a term its contexts do not define.
    """
    if "@context" not in document:
        raise ProofError("Document has no @context")
    key = ed25519_private(private_key)
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    canonical_config, canonical_doc = canonical_forms(document, options)
    signature = key.sign(hash_data(canonical_config, canonical_doc))
    secured = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    # An array, as the OB 3.0 JSON Schemas require (a VC may carry several proofs).
    secured["proof"] = [{**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}]
    return secured


def data_integrity_proof(document: dict[str, Any]) -> dict[str, Any] | None:
    """The eddsa-rdfc-2022 proof of ``document``, whether ``proof`` is one object or an array."""
    proofs = document.get("proof")
    if isinstance(proofs, list):
        candidates = [p for p in proofs if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE]
        return candidates[0] if candidates else None
    return proofs if isinstance(proofs, dict) else None


def _resolve(verification_method: str, resolve_key: KeyResolver | None) -> tuple[str, str]:
    if verification_method.startswith("did:key:"):
        return resolve_did_key(verification_method)
    if resolve_key is None:
        raise ProofError(f"No key resolver for {verification_method}")
    return resolve_key(verification_method)


def verify_data_integrity_proof(
    document: dict[str, Any],
    resolve_key: KeyResolver | None,
    *,
    expected_purpose: str = "assertionMethod",
) -> ProofResult:
    """Verify the eddsa-rdfc-2022 proof of ``document``.

    did:key verification methods are resolved from the DID itself; anything
    else goes through ``resolve_key`` (which may raise; that fails the proof).
    """
    proof = data_integrity_proof(document)
    if proof is None:
        return ProofResult(False, error="Aucune preuve eddsa-rdfc-2022 trouvée")
    vm = str(proof.get("verificationMethod", ""))
    result = ProofResult(False, verification_method=vm, created=str(proof.get("created", "")))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        result.error = f"Unsupported proof type {proof.get('type')}/{proof.get('cryptosuite')}"
        return result
    if proof.get("proofPurpose") != expected_purpose:
        result.error = f"Unexpected proofPurpose {proof.get('proofPurpose')!r}"
        return result
    if "@context" in proof:
        proof_ctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        doc_ctx = document.get("@context")
        doc_ctx = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            result.error = "Proof @context does not prefix the document @context"
            return result
    value = str(proof.get("proofValue", ""))
    if not value.startswith("z"):
        result.error = "proofValue is not base58btc multibase"
        return result
    try:
        signature = base58.b58decode(value[1:])
        public_multibase, controller = _resolve(vm, resolve_key)
        result.controller = controller
        public_key = ed25519_public_from_multibase(public_multibase)
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        canonical_config, canonical_doc = canonical_forms(unsecured, proof, strict=False)
        public_key.verify(signature, hash_data(canonical_config, canonical_doc))
    except InvalidSignature:
        result.error = "Signature Ed25519 invalide"
        return result
    except Exception as exc:  # resolver, context or key errors all mean "not verified"
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.verified = True
    return result


# --- VC-JWT (OB 3.0 "JSON Web Token Proof Format") ---------------------------

JWT_REGISTERED = ("iss", "sub", "jti", "nbf", "exp", "iat", "aud")


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _subject_id(credential: dict[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    if not isinstance(subject, dict):
        return None
    if subject.get("id"):
        return subject["id"]
    identifiers = subject.get("identifier") or []
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    for ident in identifiers:
        if isinstance(ident, dict) and ident.get("identityHash"):
            return ident["identityHash"]
    return None


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    claims: dict[str, Any] = {"iss": _issuer_id(credential), "jti": credential.get("id")}
    sub = _subject_id(credential)
    if sub:
        claims["sub"] = sub
    valid_from = credential.get("validFrom") or credential.get("issuanceDate")
    if valid_from:
        claims["nbf"] = _epoch(valid_from)
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    if valid_until:
        claims["exp"] = _epoch(valid_until)
    claims["vc"] = credential
    return claims


def sign_vc_jwt(credential: dict[str, Any], private_key: Any, kid: str) -> str:
    """Compact JWS of ``credential`` per the OB 3.0 JWT proof format.

    Ed25519 keys sign with EdDSA, RSA keys with RS256 (the spec's baseline).
    """
    if isinstance(private_key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        key = private_key
    elif isinstance(private_key, str) and private_key.startswith("z"):
        key = ed25519_private(private_key)
    else:
        key = load_private_pem(private_key)
    alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "RS256"
    return jwt.encode(jwt_claims(credential), key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


@dataclass
class JwtResult:
    verified: bool
    credential: dict[str, Any] | None = None
    kid: str = ""
    controller: str = ""
    error: str = ""


def verify_vc_jwt(token: str, resolve_key: KeyResolver | None, *, now: datetime | None = None) -> JwtResult:
    """Verify a VC-JWT; ``resolve_key(kid)`` returns (public_multibase, controller).

    Expiry is not judged here (the verifier reports it separately); claims
    must match the embedded credential as the OB 3.0 spec requires.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        return JwtResult(False, error=f"JWT illisible : {exc}")
    kid = str(header.get("kid", ""))
    result = JwtResult(False, kid=kid)
    if header.get("alg") != "EdDSA":
        result.error = f"Algorithme non pris en charge : {header.get('alg')}"
        return result
    try:
        public_multibase, controller = _resolve(kid, resolve_key)
        result.controller = controller
        public_key = ed25519_public_from_multibase(public_multibase)
        claims = jwt.decode(
            token, public_key, algorithms=["EdDSA"],
            options={"verify_exp": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        result.error = "Signature du JWT invalide"
        return result
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    credential = claims.get("vc")
    if not isinstance(credential, dict):
        credential = {k: v for k, v in claims.items() if k not in JWT_REGISTERED}
    result.credential = credential
    expected = jwt_claims(credential)
    for claim in ("iss", "jti", "sub", "nbf", "exp"):
        if claim in claims and expected.get(claim) is not None and claims[claim] != expected[claim]:
            result.error = f"La revendication JWT {claim} ne correspond pas au badge"
            return result
    if "iss" not in claims:
        result.error = "Revendication iss absente"
        return result
    result.verified = True
    return result


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
