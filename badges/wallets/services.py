"""Offers and what they release. Every credential handed out here is the badge of the
person who started the offer, as they show it now, signed fresh for the wallet's DID.

Shapes followed (public repositories of the Digital Credentials Consortium and Digital
Bazaar): the VC-API exchange of digitalcredentials/transaction-service
(src/exchanges.ts: participateInExchange, getProtocols; src/transactionManager.ts:
getDIDAuthVPR), as Learner Credential Wallet drives it
(digitalcredentials/learner-credential-wallet app/lib/exchanges.ts:
handleVcApiExchangeComplete; app/lib/deepLink.ts), and the LCW deep link
``https://lcw.app/request?request={"protocols": {"vcapi": ...}}``. OpenID4VCI: the
1.0 final specification (pre-authorized code, tx_code, nonce endpoint, jwt proofs)."""

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from badges import selectors
from badges.issuing import credential_for_holder
from badges.models import Assertion
from badges.openbadges.jsonld import CREDENTIALS_V2
from badges.openbadges.ob3 import CREDENTIAL_CONTEXT
from badges.wallets import holder_proof
from badges.wallets.models import WalletDelivery, WalletOffer, digest
from badges.wallets.presentation import PresentationRefused, verify_did_authentication

OFFER_TTL = timedelta(minutes=10)
ACCESS_TOKEN_TTL = timedelta(minutes=5)
NONCE_TTL_SECONDS = 300
MAX_TX_CODE_ATTEMPTS = 5
TX_CODE_LENGTH = 6
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
# credential_configuration_id -> format
CONFIGURATIONS = {"OpenBadgeCredential_ldp_vc": "ldp_vc", "OpenBadgeCredential_jwt_vc_json": "jwt_vc_json"}
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]


class OfferRefused(Exception):
    """What the wallet is told: an OAuth/VC-API error code, a description, an HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class StartedOffer:
    offer: WalletOffer
    secret: str
    tx_code: str = ""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- starting an offer (the owner, signed in) -------------------------------------


@transaction.atomic
def wallet_offer_start(*, assertion: Assertion, user, protocol: str, with_tx_code: bool = True) -> StartedOffer:
    if not selectors.user_owns_assertion(user=user, assertion=assertion):
        raise PermissionDenied
    if assertion.revoked:
        raise ValidationError(_("Ce badge a été révoqué : il ne peut pas aller dans un portefeuille."))
    now = timezone.now()
    # Offers are minutes long: a day later nothing needs them (what they released is in WalletDelivery).
    WalletOffer.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    # One live offer per badge and way: the QR code shown before stops working.
    WalletOffer.objects.live().filter(assertion=assertion, protocol=protocol).update(expires_at=now)
    secret = secrets.token_urlsafe(32)
    tx_code = ""
    if protocol == WalletOffer.Protocol.OID4VCI and with_tx_code:
        tx_code = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))
    offer = WalletOffer(
        assertion=assertion, created_by=user, protocol=protocol, secret_hash=digest(secret),
        challenge=secrets.token_urlsafe(24) if protocol == WalletOffer.Protocol.LCW else "",
        tx_code_hash=digest(tx_code) if tx_code else "", created_at=now, expires_at=now + OFFER_TTL,
    )
    offer.full_clean()
    offer.save()
    return StartedOffer(offer=offer, secret=secret, tx_code=tx_code)


def _check_deliverable(offer: WalletOffer) -> Assertion:
    """The badge an offer may still release: its starter still owns it and it is not revoked."""
    if not offer.is_live:
        raise OfferRefused("invalid_grant", "offer used or expired", 410)
    assertion = Assertion.objects.select_related("badge_class__issuer").get(pk=offer.assertion_id)
    if assertion.revoked or not selectors.user_owns_assertion(user=offer.created_by, assertion=assertion):
        raise OfferRefused("access_denied", "this badge can no longer be handed out", 403)
    return assertion


def _deliver(offer: WalletOffer, assertion: Assertion, *, holder_id: str, fmt: str) -> dict | str:
    now = timezone.now()
    credential = credential_for_holder(assertion, holder_id=holder_id, fmt=fmt, now=now)
    offer.used_at = now
    offer.save(update_fields=["used_at"])
    WalletDelivery.objects.create(assertion=assertion, offer=offer, holder_id=holder_id, protocol=offer.protocol,
                                  format=fmt, delivered_at=now)
    return credential


# --- Learner Credential Wallet: VC-API exchange with DID Authentication ---------------


def lcw_exchange_url(exchange_id: str) -> str:
    return absolute(reverse("wallets:exchange", kwargs={"exchange_id": exchange_id}))


def lcw_deep_link(exchange_id: str) -> str:
    """What LCW opens (Digital Bazaar's lcwVcapiDeepLink; LCW's request handler reads
    ``request`` as a Wallet API message with ``protocols.vcapi``)."""
    message = {"credentialRequestOrigin": settings.SITE_URL, "protocols": {"vcapi": lcw_exchange_url(exchange_id)}}
    return "https://lcw.app/request?" + urlencode({"request": json.dumps(message, separators=(",", ":"))},
                                                  quote_via=quote)


def lcw_protocols(exchange_id: str) -> dict:
    """The live exchange's interaction protocols (transaction-service's getProtocols)."""
    _check_deliverable(_lcw_offer(exchange_id))
    return {"protocols": {"vcapi": lcw_exchange_url(exchange_id), "lcw": lcw_deep_link(exchange_id)}}


def _lcw_offer(exchange_id: str, *, lock: bool = False) -> WalletOffer:
    queryset = WalletOffer.objects.select_related("created_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    offer = queryset.filter(secret_hash=digest(exchange_id), protocol=WalletOffer.Protocol.LCW).first()
    if offer is None:
        raise OfferRefused("not_found", "unknown exchange", 404)
    return offer


def lcw_presentation_request(offer: WalletOffer, exchange_id: str) -> dict:
    """DID Authentication request (W3C CCG VP Request spec; transaction-service getDIDAuthVPR)."""
    endpoint = lcw_exchange_url(exchange_id)
    return {"verifiablePresentationRequest": {
        "query": [{"type": "DIDAuthentication"}],
        "challenge": offer.challenge,
        "domain": settings.SITE_URL,
        "interact": {"service": [{"type": "VerifiableCredentialApiExchangeService", "serviceEndpoint": endpoint},
                                 {"type": "UnmediatedPresentationService2021", "serviceEndpoint": endpoint}]},
    }}


def lcw_exchange_step(*, exchange_id: str, body: dict) -> dict:
    """One POST to the exchange: ``{}`` starts it (the request); the DID-auth presentation ends it."""
    presentation = body.get("verifiablePresentation") if isinstance(body, dict) else None
    if not presentation:
        offer = _lcw_offer(exchange_id)
        _check_deliverable(offer)
        return lcw_presentation_request(offer, exchange_id)
    with transaction.atomic():
        offer = _lcw_offer(exchange_id, lock=True)
        assertion = _check_deliverable(offer)
        try:
            holder = verify_did_authentication(presentation, challenge=offer.challenge, domain=settings.SITE_URL)
        except PresentationRefused as exc:
            raise OfferRefused("invalid_presentation", str(exc), 401) from exc
        credential = _deliver(offer, assertion, holder_id=holder.did, fmt="ldp_vc")
    return {"verifiablePresentation": {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"],
                                       "verifiableCredential": [credential]}}


# --- OpenID4VCI: pre-authorized code ---------------------------------------------------


def credential_issuer() -> str:
    return settings.SITE_URL


def authorization_server() -> str:
    # Its own issuer path: the site's root OAuth metadata belongs to the OB 3.0 API's server.
    return absolute("/oid4vci")


def credential_offer(started: StartedOffer) -> dict:
    grant: dict = {"pre-authorized_code": started.secret}
    if started.tx_code:
        grant["tx_code"] = {"length": TX_CODE_LENGTH, "input_mode": "numeric",
                            "description": _("Le code à 6 chiffres affiché sur badgehub")}
    return {"credential_issuer": credential_issuer(), "credential_configuration_ids": list(CONFIGURATIONS),
            "grants": {PRE_AUTHORIZED_GRANT: grant}}


def credential_offer_link(started: StartedOffer) -> str:
    offer = json.dumps(credential_offer(started), separators=(",", ":"), ensure_ascii=False)
    return "openid-credential-offer://?" + urlencode({"credential_offer": offer}, quote_via=quote)


def credential_issuer_metadata() -> dict:
    common = {
        "cryptographic_binding_methods_supported": ["did:key", "jwk"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(holder_proof.ALGORITHMS)}},
        "credential_metadata": {"display": [{"name": "Open Badge", "locale": "fr-FR"},
                                            {"name": "Open Badge", "locale": "en"}]},
    }
    return {
        "credential_issuer": credential_issuer(),
        "authorization_servers": [authorization_server()],
        "credential_endpoint": absolute(reverse("wallets:oid4vci_credential")),
        "nonce_endpoint": absolute(reverse("wallets:oid4vci_nonce")),
        "display": [{"name": "badgehub", "locale": "fr-FR"}],
        "credential_configurations_supported": {
            "OpenBadgeCredential_ldp_vc": {
                "format": "ldp_vc", **common,
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "credential_definition": {"@context": list(CREDENTIAL_CONTEXT), "type": CREDENTIAL_TYPE},
            },
            "OpenBadgeCredential_jwt_vc_json": {
                "format": "jwt_vc_json", **common,
                "credential_signing_alg_values_supported": ["RS256"],
                "credential_definition": {"type": CREDENTIAL_TYPE},
            },
        },
    }


def authorization_server_metadata() -> dict:
    return {
        "issuer": authorization_server(),
        "token_endpoint": absolute(reverse("wallets:oid4vci_token")),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def oid4vci_token(*, pre_authorized_code: str, tx_code: str | None) -> tuple[str, int]:
    """(access token, lifetime in seconds) for a live offer's code; the code works once."""
    with transaction.atomic():
        offer = (WalletOffer.objects.select_for_update().select_related("created_by")
                 .filter(secret_hash=digest(pre_authorized_code or "-"), protocol=WalletOffer.Protocol.OID4VCI).first())
        if offer is None or offer.access_token_hash:
            raise OfferRefused("invalid_grant", "unknown or already used pre-authorized code")
        try:
            _check_deliverable(offer)
        except OfferRefused as exc:
            raise OfferRefused("invalid_grant", exc.description) from exc
        if offer.tx_code_hash and not constant_time_compare(digest(tx_code or ""), offer.tx_code_hash):
            offer.failed_attempts += 1
            if offer.failed_attempts >= MAX_TX_CODE_ATTEMPTS:
                offer.expires_at = timezone.now()  # guessing the code: the offer is burnt
            offer.save(update_fields=["failed_attempts", "expires_at"])
            refused = OfferRefused("invalid_grant", "wrong transaction code")
        else:
            token = secrets.token_urlsafe(32)
            offer.access_token_hash = digest(token)
            offer.access_token_expires_at = timezone.now() + ACCESS_TOKEN_TTL
            offer.save(update_fields=["access_token_hash", "access_token_expires_at"])
            return token, int(ACCESS_TOKEN_TTL.total_seconds())
    raise refused


def _nonce_key(nonce: str) -> str:
    return f"oid4vci-nonce:{digest(nonce)}"


def oid4vci_nonce() -> str:
    nonce = secrets.token_urlsafe(24)
    cache.set(_nonce_key(nonce), 1, NONCE_TTL_SECONDS)
    return nonce


def _consume_nonce(nonce: str) -> bool:
    return bool(cache.delete(_nonce_key(nonce)))


def oid4vci_credential(*, access_token: str, body: dict) -> dict | str:
    configuration_id = body.get("credential_configuration_id")
    fmt = CONFIGURATIONS.get(configuration_id) if isinstance(configuration_id, str) else None
    if fmt is None:
        raise OfferRefused("unknown_credential_configuration", "credential_configuration_id not offered")
    proofs = body.get("proofs")
    jwts = proofs.get("jwt") if isinstance(proofs, dict) else None
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        raise OfferRefused("invalid_proof", "one jwt proof is required")
    with transaction.atomic():
        offer = (WalletOffer.objects.select_for_update(of=("self",)).select_related("created_by")
                 .filter(access_token_hash=digest(access_token or "-"), protocol=WalletOffer.Protocol.OID4VCI)
                 .first())
        if offer is None or offer.access_token_expires_at is None or offer.access_token_expires_at <= timezone.now():
            raise OfferRefused("invalid_token", "unknown or expired access token", 401)
        try:
            assertion = _check_deliverable(offer)
        except OfferRefused as exc:
            raise OfferRefused("invalid_token", exc.description, 401) from exc
        try:
            holder = holder_proof.verify_proof_jwt(jwts[0], audience=credential_issuer(),
                                                   consume_nonce=_consume_nonce)
        except holder_proof.HolderProofRefused as exc:
            raise OfferRefused(exc.error, exc.description) from exc
        return _deliver(offer, assertion, holder_id=holder, fmt=fmt)
