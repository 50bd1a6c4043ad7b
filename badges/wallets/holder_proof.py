"""OpenID4VCI proof of possession (OID4VCI 1.0, appendix F.1 "jwt" proof type): the wallet
signs the issuer's nonce with the key the credential is bound to. JOSE is PyJWT's."""

import base64
import json
import time
from collections.abc import Callable

import jwt

from badges.openbadges.keys import ed25519_public_from_multibase, resolve_did_key

PROOF_TYP = "openid4vci-proof+jwt"
ALGORITHMS = ("EdDSA", "ES256")
MAX_AGE_SECONDS = 300


class HolderProofRefused(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


def _public_jwk(jwk: dict) -> dict:
    # did:jwk names the public key only (RFC 7638's required members are enough to rebuild it).
    members = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}
    names = members.get(jwk.get("kty"))
    if names is None or not all(name in jwk for name in names):
        raise HolderProofRefused("invalid_proof", "unsupported jwk")
    return {name: jwk[name] for name in names}


def did_jwk(jwk: dict) -> str:
    encoded = json.dumps(_public_jwk(jwk), separators=(",", ":"), sort_keys=True).encode()
    return "did:jwk:" + base64.urlsafe_b64encode(encoded).decode().rstrip("=")


def verify_proof_jwt(token: str, *, audience: str, consume_nonce: Callable[[str], bool]) -> str:
    """The holder's DID (did:key from ``kid``, or did:jwk from ``jwk``) once the proof checks."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise HolderProofRefused("invalid_proof", f"unreadable proof: {exc}") from exc
    if header.get("typ") != PROOF_TYP:
        raise HolderProofRefused("invalid_proof", f"typ must be {PROOF_TYP}")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise HolderProofRefused("invalid_proof", f"alg must be one of {', '.join(ALGORITHMS)}")
    if "crit" in header:
        raise HolderProofRefused("invalid_proof", "no critical header extension is understood here")
    kid, jwk = header.get("kid"), header.get("jwk")
    # Exactly one key: a kid naming an honest key next to a jwk the sender controls must not pass.
    if bool(kid) == bool(jwk) or "x5c" in header or "trust_chain" in header:
        raise HolderProofRefused("invalid_proof", "exactly one of kid and jwk")
    try:
        if kid:
            if not str(kid).startswith("did:key:"):
                raise HolderProofRefused("invalid_proof", "kid must be a did:key DID URL")
            multibase, holder = resolve_did_key(str(kid) if "#" in str(kid) else f"{kid}#{kid[8:]}")
            key = ed25519_public_from_multibase(multibase)
        else:
            if not isinstance(jwk, dict) or "d" in jwk:
                raise HolderProofRefused("invalid_proof", "jwk must be a public key")
            key = jwt.PyJWK(jwk, algorithm=alg).key
            holder = did_jwk(jwk)
        claims = jwt.decode(token, key, algorithms=[alg], audience=audience, leeway=30,
                            options={"require": ["iat", "aud"]})
    except HolderProofRefused:
        raise
    except Exception as exc:  # bad key, signature, audience or dates: the proof fails
        raise HolderProofRefused("invalid_proof", f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(claims["aud"], str):
        raise HolderProofRefused("invalid_proof", "aud must be the credential issuer alone")
    # Both ways: a proof dated in the future would never go stale.
    if abs(time.time() - float(claims["iat"])) > MAX_AGE_SECONDS:
        raise HolderProofRefused("invalid_proof", "iat too far from now")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not consume_nonce(nonce):
        raise HolderProofRefused("invalid_nonce", "unknown, used or expired nonce")
    return holder
