"""did:web identifiers and DID documents; public keys from verification methods.

A did:web names an https URL (W3C CCG "did:web Method Specification"): the host,
its port percent-encoded (``%3A``), then the path segments joined by ``:``; the
document of a DID with a path is at ``https://host/<path>/did.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from .keys import KeyFormatError, ed25519_public_from_multibase, ed25519_public_multibase, load_public_pem

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
# did/v1 and multikey/v1 define neither publicKeyJwk nor JsonWebKey (the JWK
# context is not shipped anywhere we can copy it from): define both here.
JWK_TERMS = {
    "JsonWebKey": "https://w3id.org/security#JsonWebKey",
    "publicKeyJwk": {"@id": "https://w3id.org/security#publicKeyJwk", "@type": "@json"},
}
DID_DOCUMENT_CONTEXT = [DID_V1, MULTIKEY_V1, JWK_TERMS]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class DidError(ValueError):
    pass


def did_web_for_url(url: str) -> str:
    """The did:web naming ``url`` (scheme dropped, port encoded, path segments as ``:``)."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise DidError(f"Not an absolute URL: {url}")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        host += f":{parts.port}"
    segments = [quote(host, safe="[]")] + [quote(unquote(s), safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def did_web_document_url(did: str, *, allow_loopback_http: bool = False) -> str:
    """Where the DID document of ``did`` (a did:web, fragment allowed) is served.

    ``allow_loopback_http``: this machine's addresses answer over plain http
    (development servers and tests only).
    """
    did = did.split("#", 1)[0].split("?", 1)[0]
    if not did.startswith("did:web:"):
        raise DidError(f"Not a did:web: {did}")
    segments = did[len("did:web:"):].split(":")
    host = unquote(segments[0])
    if not host or "/" in host or "@" in host:
        raise DidError(f"Invalid did:web host: {did}")
    path = "/".join(quote(unquote(s), safe="") for s in segments[1:])
    hostname = urlsplit(f"//{host}").hostname or ""
    scheme = "http" if allow_loopback_http and hostname in LOOPBACK_HOSTS else "https"
    return f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def public_jwk(public_key_pem: str | bytes) -> dict[str, Any]:
    """The public JWK (RFC 7517 / 8037) of an RSA or Ed25519 public key."""
    key = load_public_pem(public_key_pem)
    algorithm = RSAAlgorithm if hasattr(key, "public_numbers") else OKPAlgorithm
    jwk = json.loads(algorithm.to_jwk(key))
    return {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "n", "e")}


@dataclass(frozen=True)
class MethodData:
    id: str  # the DID URL, did:web:…#<key id>
    public_key_pem: str
    revoked: str = ""  # XSD dateTime, full precision, when the key was declared compromised


def verification_method(did: str, method: MethodData) -> dict[str, Any]:
    key = load_public_pem(method.public_key_pem)
    doc: dict[str, Any] = {"id": method.id, "controller": did}
    if hasattr(key, "public_numbers"):  # RSA: VC-JWT RS256
        doc["type"] = "JsonWebKey"
    else:
        doc["type"] = "Multikey"
        doc["publicKeyMultibase"] = ed25519_public_multibase(key)
    doc["publicKeyJwk"] = public_jwk(method.public_key_pem)
    if method.revoked:
        doc["revoked"] = method.revoked
    return doc


def did_document(did: str, methods: list[MethodData], *, also_known_as: tuple[str, ...] = ()) -> dict[str, Any]:
    """A DID document listing every key (current, retired, compromised) for assertions."""
    doc: dict[str, Any] = {"@context": list(DID_DOCUMENT_CONTEXT), "id": did}
    if also_known_as:
        doc["alsoKnownAs"] = list(also_known_as)
    doc["verificationMethod"] = [verification_method(did, m) for m in methods]
    doc["assertionMethod"] = [m.id for m in methods]
    return doc


def public_key_of_method(method: dict[str, Any]):
    """The public key object of a verification method: publicKeyJwk, publicKeyMultibase
    (Ed25519) or publicKeyPem (OB 2.0 CryptographicKey)."""
    if isinstance(method.get("publicKeyJwk"), dict):
        jwk = method["publicKeyJwk"]
        if "d" in jwk:
            raise KeyFormatError("Une clé privée est publiée à la place de la clé publique")
        kty = jwk.get("kty")
        if kty == "RSA":
            return RSAAlgorithm.from_jwk(jwk)
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return OKPAlgorithm.from_jwk(jwk)
        raise KeyFormatError(f"Type de clé JWK non pris en charge : {kty}/{jwk.get('crv')}")
    if method.get("publicKeyMultibase"):
        return ed25519_public_from_multibase(str(method["publicKeyMultibase"]))
    if method.get("publicKeyPem"):
        return load_public_pem(str(method["publicKeyPem"]))
    raise KeyFormatError("Clé publique absente du document")


def find_method(doc: dict[str, Any], method_id: str) -> dict[str, Any] | None:
    """The verification method ``method_id`` in a controller/DID document (or the document itself)."""
    if doc.get("id") == method_id:
        return dict(doc)
    base = str(doc.get("id", ""))
    for key in ("verificationMethod", "assertionMethod"):
        items = doc.get(key)
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict):
                continue
            item_id = str(item.get("id", ""))
            # A relative "#key-1" is relative to the DID.
            if item_id == method_id or (item_id.startswith("#") and base + item_id == method_id):
                return {**item, "id": method_id}
    return None


def lists_for_assertion(doc: dict[str, Any], method_id: str) -> bool:
    base = str(doc.get("id", ""))
    items = doc.get("assertionMethod")
    for item in items if isinstance(items, list) else [items]:
        item_id = item.get("id") if isinstance(item, dict) else item
        if isinstance(item_id, str) and (item_id == method_id or base + item_id == method_id):
            return True
    return False
