"""Proofs for OB 3.0 credentials: Data Integrity eddsa-rdfc-2022 and VC-JWT.

eddsa-rdfc-2022 follows W3C "Data Integrity EdDSA Cryptosuites v1.0":
RDFC-1.0 canonical N-Quads of the proof configuration and of the document,
SHA-256 of each (proof configuration first), Ed25519 signature, base58btc.
"""

from __future__ import annotations

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
from .util import iso_datetime_precise

CRYPTOSUITE = "eddsa-rdfc-2022"
# Its predecessor, what Learner Credential Wallet signs presentations with: the same
# Ed25519 over SHA-256(canonical proof options) + SHA-256(canonical document), with the
# type naming the suite (W3C CCG "Ed25519Signature2020"; jsonld-signatures' createVerifyData).
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"

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
    # Full precision: a key declared compromised is judged against this moment.
    return iso_datetime_precise(created)


def add_data_integrity_proof(
    document: dict[str, Any],
    private_key: Any,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
    *,
    challenge: str = "",
    domain: str = "",
) -> dict[str, Any]:
    """Return a copy of ``document`` with an eddsa-rdfc-2022 DataIntegrityProof.

    ``challenge`` and ``domain`` (signed with the proof) bind a presentation to one request.

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
    if challenge:
        options["challenge"] = challenge
    if domain:
        options["domain"] = domain
    canonical_config, canonical_doc = canonical_forms(document, options)
    signature = key.sign(hash_data(canonical_config, canonical_doc))
    # A copy as JSON (what is published): plain JSON copied as is, anything else through json.
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    secured = jsonld.plain_json_copy(unsecured)
    if secured is None:
        secured = json.loads(json.dumps(unsecured, ensure_ascii=False))
    # An array, as the OB 3.0 JSON Schemas require (a VC may carry several proofs).
    secured["proof"] = [{**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}]
    return secured


def _is_ed25519_proof(proof: Any, legacy: bool) -> bool:
    if not isinstance(proof, dict):
        return False
    return proof.get("cryptosuite") == CRYPTOSUITE or (legacy and proof.get("type") == ED25519_SIGNATURE_2020)


def data_integrity_proof(document: dict[str, Any], *, ed25519_2020: bool = False) -> dict[str, Any] | None:
    """The eddsa-rdfc-2022 proof of ``document``, whether ``proof`` is one object or an array
    (or its Ed25519Signature2020 proof, when ``ed25519_2020``)."""
    proofs = document.get("proof")
    if isinstance(proofs, list):
        candidates = [p for p in proofs if _is_ed25519_proof(p, ed25519_2020)]
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
    ed25519_2020: bool = False,
) -> ProofResult:
    """Verify the eddsa-rdfc-2022 proof of ``document`` (or its Ed25519Signature2020 proof,
    when ``ed25519_2020``: presentations of wallets still on that suite).

    did:key verification methods are resolved from the DID itself; anything
    else goes through ``resolve_key`` (which may raise; that fails the proof).
    """
    proof = data_integrity_proof(document, ed25519_2020=ed25519_2020)
    if proof is None:
        return ProofResult(False, error="Aucune preuve eddsa-rdfc-2022 trouvée")
    vm = str(proof.get("verificationMethod", ""))
    result = ProofResult(False, verification_method=vm, created=str(proof.get("created", "")))
    legacy = ed25519_2020 and proof.get("type") == ED25519_SIGNATURE_2020 and "cryptosuite" not in proof
    if not legacy and (proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE):
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


# --- VC-JWT (OB 3.0 §8.2 "JSON Web Token Proof Format") ------------------------

JWT_REGISTERED = ("iss", "sub", "jti", "nbf", "exp", "iat", "aud")
JWT_ALGORITHMS = ("RS256", "EdDSA")


def _epoch(value: str) -> int | float:
    # NumericDate: whole seconds unless the date itself carries a fraction.
    moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) if not moment.microsecond else moment.timestamp()


def _first_subject(credential: dict[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return subject if isinstance(subject, dict) else {}


def _subject_id(credential: dict[str, Any]) -> str | None:
    subject_id = _first_subject(credential).get("id")
    return str(subject_id) if subject_id else None


def _legacy_subject_hashes(credential: dict[str, Any]) -> set[str]:
    # Our VC-JWTs before §8.2 was followed put the hashed e-mail in sub.
    identifiers = _first_subject(credential).get("identifier") or []
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    return {str(i["identityHash"]) for i in identifiers if isinstance(i, dict) and i.get("identityHash")}


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The registered claims §8.2 derives from the credential."""
    claims: dict[str, Any] = {"iss": _issuer_id(credential)}
    if credential.get("id"):
        claims["jti"] = credential["id"]
    sub = _subject_id(credential)
    if sub:
        claims["sub"] = sub
    valid_from = credential.get("validFrom") or credential.get("issuanceDate")
    if valid_from:
        claims["nbf"] = _epoch(valid_from)
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    if valid_until:
        claims["exp"] = _epoch(valid_until)
    return claims


def _private_key(private_key: Any):
    if isinstance(private_key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        return private_key
    if isinstance(private_key, str) and private_key.startswith("z"):
        return ed25519_private(private_key)
    return load_private_pem(private_key)


def sign_vc_jwt(credential: dict[str, Any], private_key: Any, kid: str, *,
                signed_at: datetime | None = None) -> str:
    """Compact JWS of ``credential`` as OB 3.0 §8.2 says: the payload is the credential
    itself plus iss, jti, nbf, exp (when validUntil), sub (when the subject has an id);
    header alg, kid, typ "JWT" and nothing else.

    RSA keys sign RS256 (the interoperable minimum), Ed25519 keys EdDSA. ``signed_at``
    becomes ``iat`` at full precision: a key declared compromised later is judged by it.
    """
    key = _private_key(private_key)
    alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "RS256"
    payload = {k: v for k, v in credential.items() if k not in JWT_REGISTERED}
    payload.update(jwt_claims(credential))
    if signed_at is not None:
        if signed_at.tzinfo is None:
            signed_at = signed_at.replace(tzinfo=UTC)
        payload["iat"] = round(signed_at.timestamp(), 6)
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


@dataclass
class JwtResult:
    verified: bool
    credential: dict[str, Any] | None = None
    kid: str = ""
    controller: str = ""
    error: str = ""
    alg: str = ""
    # When it was signed, as the token says (iat, else nbf), in seconds since the epoch.
    signed_at: float | None = None
    form: str = ""  # "vc-jwt" (payload is the credential) | "vc-claim" (VC 1.1 form)


def _public_key(material: Any):
    if isinstance(material, str):
        return ed25519_public_from_multibase(material)
    return material


def _same_moment(claim: Any, date: str) -> bool:
    if isinstance(claim, bool) or not isinstance(claim, (int, float)):
        return False
    expected = _epoch(date)
    # A fractional date may have been written as whole seconds (many libraries truncate).
    return abs(claim - expected) < 1e-6 or (claim == int(claim) and int(claim) == int(expected))


def verify_vc_jwt(token: str, resolve_key: KeyResolver | None, *, now: datetime | None = None) -> JwtResult:
    """Verify a VC-JWT, RS256 or EdDSA, in either form: §8.2 (the payload is the
    credential) or VC 1.1 (the credential in the ``vc`` claim).

    ``resolve_key(kid)`` returns (public key object or Ed25519 multibase, controller).
    Expiry is not judged here (the verifier reports it separately); the claims must
    match the credential as §8.2 lists.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        return JwtResult(False, error=f"JWT illisible : {exc}")
    kid = str(header.get("kid", ""))
    alg = str(header.get("alg", ""))
    result = JwtResult(False, kid=kid, alg=alg)
    if alg not in JWT_ALGORITHMS:
        result.error = f"Algorithme non pris en charge : {alg}"
        return result
    if not kid:
        result.error = "En-tête kid absent : la clé de l'émetteur n'est pas désignée"
        return result
    try:
        material, controller = _resolve(kid, resolve_key)
        result.controller = controller
        claims = jwt.decode(
            token, _public_key(material), algorithms=[alg],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        result.error = "Signature du JWT invalide"
        return result
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    if isinstance(claims.get("vc"), dict):
        credential, result.form = claims["vc"], "vc-claim"
    else:
        credential, result.form = {k: v for k, v in claims.items() if k not in JWT_REGISTERED}, "vc-jwt"
    result.credential = credential
    result.error = _claims_problem(claims, credential, legacy=result.form == "vc-claim")
    if result.error:
        return result
    signed_at = claims.get("iat", claims.get("nbf"))
    result.signed_at = float(signed_at) if isinstance(signed_at, (int, float)) else None
    result.verified = True
    return result


def _claims_problem(claims: dict[str, Any], credential: dict[str, Any], *, legacy: bool) -> str:
    """What §8.2 "Verify a Credential VC-JWT Signature" refuses, or ''."""
    if claims.get("iss") != _issuer_id(credential):
        return "La revendication iss ne correspond pas à l'émetteur du badge"
    if credential.get("id") and claims.get("jti") != credential["id"]:
        return "La revendication jti ne correspond pas à l'identifiant du badge"
    subject_id = _subject_id(credential)
    if subject_id and claims.get("sub") != subject_id:
        return "La revendication sub ne correspond pas au titulaire du badge"
    if not subject_id and "sub" in claims and not (legacy and claims["sub"] in _legacy_subject_hashes(credential)):
        return "La revendication sub ne correspond pas au titulaire du badge"
    valid_from = credential.get("validFrom") or credential.get("issuanceDate")
    if "nbf" not in claims or not valid_from or not _same_moment(claims["nbf"], str(valid_from)):
        return "La revendication nbf ne correspond pas à la date d'émission du badge"
    valid_until = credential.get("validUntil") or credential.get("expirationDate")
    if valid_until and ("exp" not in claims or not _same_moment(claims["exp"], str(valid_until))):
        return "La revendication exp ne correspond pas à la date d'expiration du badge"
    if not valid_until and "exp" in claims:
        return "La revendication exp ne correspond à aucune date d'expiration du badge"
    return ""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
