"""DID Authentication: the wallet's verifiable presentation proves it controls its DID.

VC-API exchanges (W3C CCG "Verifiable Presentation Request", DID Authentication query):
the holder signs an empty presentation whose proof carries our challenge and domain, with
proofPurpose "authentication". The proof is checked by the engine's Data Integrity
verifier: eddsa-rdfc-2022, or Ed25519Signature2020 (what Learner Credential Wallet signs
with: app/lib/exchanges.ts constructExchangeRequest), did:key resolved from the DID itself."""

from dataclasses import dataclass
from typing import Any

from badges.openbadges import proofs


class PresentationRefused(Exception):
    pass


@dataclass(frozen=True)
class Holder:
    did: str
    verification_method: str


def _types(value: Any) -> set[str]:
    return set(value) if isinstance(value, list) else {value}


def verify_did_authentication(presentation: Any, *, challenge: str, domain: str) -> Holder:
    """The holder DID the presentation proves control of, or PresentationRefused."""
    if not isinstance(presentation, dict) or "VerifiablePresentation" not in _types(presentation.get("type")):
        raise PresentationRefused("not a VerifiablePresentation")
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder, str) or not holder.startswith("did:"):
        raise PresentationRefused("the presentation names no holder DID")
    proof = proofs.data_integrity_proof(presentation, ed25519_2020=True)
    if proof is None:
        raise PresentationRefused("no eddsa-rdfc-2022 or Ed25519Signature2020 proof")
    # Bound to this exchange: a presentation made for another challenge or site is replayed.
    if proof.get("challenge") != challenge:
        raise PresentationRefused("wrong challenge")
    if proof.get("domain") != domain:
        raise PresentationRefused("wrong domain")
    result = proofs.verify_data_integrity_proof(presentation, None, expected_purpose="authentication",
                                                ed25519_2020=True)
    if not result.verified:
        raise PresentationRefused(result.error or "proof not verified")
    if result.controller != holder:
        raise PresentationRefused("the proof's key is not controlled by the holder")
    return Holder(did=holder, verification_method=result.verification_method)
