"""Taking a badge into a wallet: the owner's screen, the LCW exchange (DID Authentication)
and OpenID4VCI (pre-authorized code, tx_code, nonce, jwt proof), played here with our own
engine and PyJWT as the wallet (tests/interop plays them with independent clients)."""

import html
import io
import json
import time
import zipfile
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from django.urls import reverse
from django.utils import timezone

from badges import documents, throttle
from badges.models import Evidence
from badges.openbadges import ob3, proofs
from badges.openbadges.jsonld import CREDENTIALS_V2
from badges.openbadges.keys import did_key, did_key_verification_method, ed25519_public_multibase
from badges.services import assertion_revoke
from badges.verification import verify_badge
from badges.wallets.models import WalletDelivery, WalletOffer
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db

SECRET_EVIDENCE = "https://example.org/dossier-social-de-sam"


@pytest.fixture
def held(badge_class, beneficiary):
    assertion = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                                 recipient_user=beneficiary, narrative="A rangé ses fichiers seul.")
    Evidence.objects.create(assertion=assertion, url=SECRET_EVIDENCE, narrative="Dossier")
    return assertion


class Holder:
    """A wallet's did:key."""

    def __init__(self):
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.multibase = ed25519_public_multibase(self.key.public_key())
        self.did = did_key(self.multibase)
        self.method = did_key_verification_method(self.multibase)

    def did_auth(self, request: dict, *, holder: str | None = None) -> dict:
        presentation = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": holder or self.did}
        return proofs.add_data_integrity_proof(presentation, self.key, self.method, timezone.now(), "authentication",
                                               challenge=request["challenge"], domain=request["domain"])

    def proof_jwt(self, nonce: str, *, audience: str, **header) -> str:
        payload = {"aud": audience, "iat": int(time.time()), "nonce": nonce}
        return jwt.encode(payload, self.key, algorithm="EdDSA",
                          headers={"typ": "openid4vci-proof+jwt", "kid": self.method, **header})


def screen(assertion) -> str:
    return reverse("wallet:add_to_wallet", kwargs={"public_id": assertion.public_id})


def start(client, assertion, way: str, **extra) -> str:
    page = client.post(screen(assertion), {"way": way, **extra})
    assert page.status_code == 200
    return page.content.decode()


def link_in(page: str, prefix: str) -> str:
    start_at = page.index(f'href="{prefix}')
    return html.unescape(page[start_at + 6: page.index('"', start_at + 6)])


def start_lcw(client, assertion) -> str:
    """The exchange URL behind the LCW deep link shown on the screen."""
    link = link_in(start(client, assertion, "lcw"), "https://lcw.app/request?")
    message = json.loads(parse_qs(urlparse(link).query)["request"][0])
    return message["protocols"]["vcapi"]


def post_json(client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


# --- the screen ---------------------------------------------------------------------


def test_the_badge_page_links_to_the_add_to_wallet_screen(client, beneficiary, held):
    client.force_login(beneficiary)
    page = client.get(reverse("wallet:badge", kwargs={"public_id": held.public_id})).content.decode()
    assert screen(held) in page and "Ajouter à mon portefeuille" in page


def test_the_screen_explains_the_three_ways(client, beneficiary, held):
    client.force_login(beneficiary)
    page = client.get(screen(held)).content.decode()
    assert "Learner Credential Wallet" in page and "OpenID4VCI" in page and "Envoyer à une plateforme" in page
    assert WalletOffer.objects.count() == 0  # opening the screen hands nothing out


def test_it_shows_a_qr_code_and_an_lcw_deep_link(client, beneficiary, held):
    client.force_login(beneficiary)
    page = start(client, held, "lcw")
    assert "<svg" in page and "https://lcw.app/request?request=" in page
    offer = WalletOffer.objects.get()
    assert offer.protocol == "lcw" and offer.assertion == held and offer.created_by == beneficiary
    assert timedelta(minutes=5) <= offer.expires_at - timezone.now() <= timedelta(minutes=10)


def test_it_shows_an_openid4vci_offer_with_its_transaction_code(client, beneficiary, held):
    client.force_login(beneficiary)
    page = start(client, held, "oid4vci")
    link = link_in(page, "openid-credential-offer://")
    offer = json.loads(parse_qs(urlparse(link).query)["credential_offer"][0])
    grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert offer["credential_issuer"] == documents.absolute("")
    assert grant["tx_code"]["length"] == 6
    code = page.split('data-testid="tx-code">')[1][:6]
    assert code.isdigit()


def test_it_refuses_another_person(client, outsider, held):
    client.force_login(outsider)
    assert client.get(screen(held)).status_code == 404
    assert client.post(screen(held), {"way": "lcw"}).status_code == 404
    assert WalletOffer.objects.count() == 0


def test_it_asks_a_visitor_to_sign_in(client, held):
    assert client.get(screen(held)).status_code == 302


def test_a_revoked_badge_cannot_go_into_a_wallet(client, beneficiary, held, owner):
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    client.force_login(beneficiary)
    client.post(screen(held), {"way": "lcw"})
    assert WalletOffer.objects.count() == 0


def test_starting_offers_is_rate_limited(client, beneficiary, held, monkeypatch):
    # A window far longer than the test: counting never straddles two fixed windows.
    monkeypatch.setattr(throttle, "WALLET_OFFER_PER_ACCOUNT", throttle.Rule("wallet-offer-user", 3, 10**9))
    client.force_login(beneficiary)
    statuses = [client.post(screen(held), {"way": "lcw"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- Learner Credential Wallet ------------------------------------------------------


def test_lcw_gets_a_did_authentication_request_then_its_badge(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    wallet = Holder()
    first = post_json(client, exchange, {})
    assert first.status_code == 200
    request = first.json()["verifiablePresentationRequest"]
    assert request["query"] == [{"type": "DIDAuthentication"}]
    assert request["domain"] and request["challenge"]
    assert request["interact"]["service"][0]["serviceEndpoint"] == exchange

    answer = post_json(client, exchange, {"verifiablePresentation": wallet.did_auth(request)})
    assert answer.status_code == 200, answer.content
    credential = answer.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == wallet.did
    assert credential["proof"][0]["verificationMethod"].startswith(documents.issuer_did(held.badge_class.issuer))
    assert verify_badge(credential, expected_email="sam@example.org").status == "valid"
    delivery = WalletDelivery.objects.get()
    assert (delivery.assertion, delivery.holder_id, delivery.protocol, delivery.format) == (
        held, wallet.did, "lcw", "ldp_vc")


def test_the_lcw_protocols_document_names_the_exchange(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    protocols = client.get(exchange + "/protocols").json()["protocols"]
    assert protocols["vcapi"] == exchange and protocols["lcw"].startswith("https://lcw.app/request?")


def test_an_lcw_exchange_works_once(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    wallet = Holder()
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    assert post_json(client, exchange, {"verifiablePresentation": wallet.did_auth(request)}).status_code == 200
    again = post_json(client, exchange, {"verifiablePresentation": wallet.did_auth(request)})
    assert again.status_code == 410 and "verifiableCredential" not in again.content.decode()
    assert WalletDelivery.objects.count() == 1


def test_offers_of_yesterday_are_purged_and_deliveries_kept(client, beneficiary, held):
    client.force_login(beneficiary)
    receive_by_lcw(client, held)
    WalletOffer.objects.update(expires_at=timezone.now() - timedelta(days=2))
    start(client, held, "oid4vci")
    assert list(WalletOffer.objects.values_list("protocol", flat=True)) == ["oid4vci"]
    assert WalletDelivery.objects.get().offer is None


def test_an_lcw_exchange_expires(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    WalletOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post_json(client, exchange, {}).status_code == 410


@pytest.mark.parametrize("field, value", [("challenge", "an-older-challenge"),
                                          ("domain", "https://another-site.example")])
def test_a_presentation_for_another_challenge_or_site_is_refused(client, beneficiary, held, field, value):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    replayed = Holder().did_auth({**request, field: value})
    answer = post_json(client, exchange, {"verifiablePresentation": replayed})
    assert answer.status_code == 401 and WalletDelivery.objects.count() == 0


def test_a_presentation_signed_by_someone_else_than_its_holder_is_refused(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    forged = Holder().did_auth(request, holder=Holder().did)
    assert post_json(client, exchange, {"verifiablePresentation": forged}).status_code == 401


def test_a_tampered_presentation_is_refused(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    wallet, other = Holder(), Holder()
    presentation = wallet.did_auth(request)
    presentation["holder"] = other.did
    presentation["proof"][0]["verificationMethod"] = other.method
    assert post_json(client, exchange, {"verifiablePresentation": presentation}).status_code == 401


def test_an_unknown_exchange_is_not_found(client):
    assert post_json(client, reverse("wallets:exchange", kwargs={"exchange_id": "guess"}), {}).status_code == 404


def test_a_badge_revoked_after_the_offer_is_not_handed_out(client, beneficiary, held, owner):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    answer = post_json(client, exchange, {"verifiablePresentation": Holder().did_auth(request)})
    assert answer.status_code == 403 and WalletDelivery.objects.count() == 0


def receive_by_lcw(client, assertion) -> dict:
    exchange = start_lcw(client, assertion)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    answer = post_json(client, exchange, {"verifiablePresentation": Holder().did_auth(request)})
    return answer.json()["verifiablePresentation"]["verifiableCredential"][0]


def test_a_badge_revoked_later_is_revoked_in_the_wallet_through_its_status_list(client, beneficiary, held, owner):
    client.force_login(beneficiary)
    credential = receive_by_lcw(client, held)
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"

    def revoked() -> bool:
        status_list = client.get(urlparse(entry["statusListCredential"]).path).json()
        return ob3.status_bit(status_list["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))

    assert not revoked()
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur de saisie")
    assert revoked()
    assert verify_badge(credential).status == "revoked"


def test_hidden_evidence_stays_out_of_the_wallet_credential(client, beneficiary, held):
    held.show_evidence = False
    held.show_narrative = False
    held.save()
    client.force_login(beneficiary)
    text = json.dumps(receive_by_lcw(client, held))
    assert SECRET_EVIDENCE not in text and "A rangé ses fichiers seul." not in text


def test_shown_evidence_is_in_the_wallet_credential(client, beneficiary, held):
    client.force_login(beneficiary)
    assert SECRET_EVIDENCE in json.dumps(receive_by_lcw(client, held))


# --- OpenID4VCI -------------------------------------------------------------------------


def start_oid4vci(client, assertion, **extra) -> tuple[dict, str]:
    page = start(client, assertion, "oid4vci", **extra)
    offer = json.loads(parse_qs(urlparse(link_in(page, "openid-credential-offer://")).query)["credential_offer"][0])
    code = page.split('data-testid="tx-code">')[1][:6] if 'data-testid="tx-code"' in page else ""
    return offer, code


def token(client, offer: dict, tx_code: str | None):
    data = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"][
                "pre-authorized_code"]}
    if tx_code is not None:
        data["tx_code"] = tx_code
    return client.post(reverse("wallets:oid4vci_token"), data)


def nonce(client) -> str:
    return client.post(reverse("wallets:oid4vci_nonce")).json()["c_nonce"]


def request_credential(client, access_token: str, configuration: str, proof: str):
    return post_json(client, reverse("wallets:oid4vci_credential"),
                     {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
                     HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_the_issuer_metadata_name_the_endpoints_and_both_formats(client):
    metadata = client.get("/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == documents.absolute("")
    assert set(metadata["credential_configurations_supported"]) == {
        "OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_jwt_vc_json"}
    server = client.get("/.well-known/oauth-authorization-server/oid4vci").json()
    assert metadata["authorization_servers"] == [server["issuer"]]
    assert server["token_endpoint"].endswith(reverse("wallets:oid4vci_token"))


@pytest.mark.parametrize("configuration", ["OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_jwt_vc_json"])
def test_an_openid4vci_wallet_gets_the_badge_bound_to_its_key(client, beneficiary, held, configuration):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    client.logout()  # the wallet is another device: no session
    answer = token(client, offer, code)
    assert answer.status_code == 200, answer.content
    access_token = answer.json()["access_token"]
    wallet = Holder()
    issued = request_credential(client, access_token, configuration,
                                wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"]))
    assert issued.status_code == 200, issued.content
    credential = issued.json()["credentials"][0]["credential"]
    report = verify_badge(credential, expected_email="sam@example.org")
    assert report.status == "valid", [c for c in report.checks if not c.ok]
    if configuration.endswith("jwt_vc_json"):
        assert jwt.decode(credential, options={"verify_signature": False})["sub"] == wallet.did
    else:
        assert credential["credentialSubject"]["id"] == wallet.did
    assert WalletDelivery.objects.get().holder_id == wallet.did


def test_a_jwk_holder_key_is_bound_as_a_did_jwk(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    access_token = token(client, offer, code).json()["access_token"]
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    proof = jwt.encode({"aud": offer["credential_issuer"], "iat": int(time.time()), "nonce": nonce(client)}, key,
                       algorithm="ES256", headers={"typ": "openid4vci-proof+jwt", "jwk": jwk})
    issued = request_credential(client, access_token, "OpenBadgeCredential_ldp_vc", proof)
    assert issued.status_code == 200, issued.content
    assert issued.json()["credentials"][0]["credential"]["credentialSubject"]["id"].startswith("did:jwk:")


def test_the_transaction_code_is_required_and_guessing_it_burns_the_offer(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    assert token(client, offer, None).json()["error"] == "invalid_grant"
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    for _ in range(4):
        assert token(client, offer, wrong).status_code == 400
    assert token(client, offer, code).json()["error"] == "invalid_grant"  # 5th failure burnt it
    assert WalletDelivery.objects.count() == 0


def test_an_offer_without_transaction_code_when_the_owner_chose_so(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held, tx_code="off")
    assert code == "" and "tx_code" not in offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert token(client, offer, None).status_code == 200


def test_a_pre_authorized_code_gives_one_token_and_one_credential(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    access_token = token(client, offer, code).json()["access_token"]
    assert token(client, offer, code).json()["error"] == "invalid_grant"
    wallet = Holder()
    first = request_credential(client, access_token, "OpenBadgeCredential_ldp_vc",
                               wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"]))
    assert first.status_code == 200
    second = request_credential(client, access_token, "OpenBadgeCredential_jwt_vc_json",
                                wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"]))
    assert second.status_code == 401 and second.json()["error"] == "invalid_token"


def test_a_nonce_works_once(client, beneficiary, held):
    client.force_login(beneficiary)
    wallet = Holder()
    used = nonce(client)
    offer, code = start_oid4vci(client, held)
    access_token = token(client, offer, code).json()["access_token"]
    assert request_credential(client, access_token, "OpenBadgeCredential_ldp_vc",
                              wallet.proof_jwt(used, audience=offer["credential_issuer"])).status_code == 200
    offer, code = start_oid4vci(client, held)
    access_token = token(client, offer, code).json()["access_token"]
    replay = request_credential(client, access_token, "OpenBadgeCredential_ldp_vc",
                                wallet.proof_jwt(used, audience=offer["credential_issuer"]))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_nonce"


@pytest.mark.parametrize("problem", ["audience", "typ", "signature", "two keys", "future", "several audiences"])
def test_a_bad_holder_proof_is_refused(client, beneficiary, held, problem):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    access_token = token(client, offer, code).json()["access_token"]
    wallet = Holder()
    if problem == "audience":
        proof = wallet.proof_jwt(nonce(client), audience="https://another-issuer.example")
    elif problem == "typ":
        proof = wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"], typ="JWT")
    elif problem == "signature":
        proof = wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"], kid=Holder().method)
    elif problem == "two keys":
        other = ed25519.Ed25519PrivateKey.generate().public_key()
        proof = wallet.proof_jwt(nonce(client), audience=offer["credential_issuer"],
                                 jwk=json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(other)))
    else:
        payload = {"aud": offer["credential_issuer"], "iat": int(time.time()), "nonce": nonce(client)}
        if problem == "future":
            payload["iat"] += 10 * 365 * 86400
        else:
            payload["aud"] = [offer["credential_issuer"], "https://another-issuer.example"]
        proof = jwt.encode(payload, wallet.key, algorithm="EdDSA",
                           headers={"typ": "openid4vci-proof+jwt", "kid": wallet.method})
    answer = request_credential(client, access_token, "OpenBadgeCredential_ldp_vc", proof)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_proof"
    assert WalletDelivery.objects.count() == 0


def test_web_wallets_may_call_the_endpoints_from_another_origin(client):
    preflight = client.options(reverse("wallets:oid4vci_credential"), HTTP_ORIGIN="https://wallet.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert client.get("/.well-known/openid-credential-issuer")["Access-Control-Allow-Origin"] == "*"
    assert client.post(reverse("wallets:oid4vci_nonce"))["Access-Control-Allow-Origin"] == "*"


def test_the_credential_endpoint_needs_the_offer_token(client, held):
    answer = request_credential(client, "guessed", "OpenBadgeCredential_ldp_vc", "x.y.z")
    assert answer.status_code == 401 and "WWW-Authenticate" in answer


def test_an_expired_offer_gives_no_token(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    WalletOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token(client, offer, code).json()["error"] == "invalid_grant"


def test_wallet_endpoints_are_rate_limited_per_client(client, monkeypatch):
    monkeypatch.setattr(throttle, "WALLET_ENDPOINT_PER_CLIENT", throttle.Rule("wallet-endpoint-ip", 3, 10**9))
    statuses = [client.post(reverse("wallets:oid4vci_nonce")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.post(reverse("wallets:oid4vci_token")).json()["error"] == "slow_down"


def test_a_badge_another_person_no_longer_owns_is_not_handed_out(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    held.recipient_user = None
    held.recipient_email = "someone.else@example.org"
    held.save()
    assert token(client, offer, code).json()["error"] == "invalid_grant"



def test_the_screen_speaks_english_to_english_readers(client, beneficiary, held, settings):
    client.force_login(beneficiary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(screen(held)).content.decode()
    assert "Add to a wallet" in page and "Send to a platform" in page and "Show the OpenID4VCI QR code" in page


def test_the_data_export_lists_which_wallets_received_which_badge(client, beneficiary, held):
    client.force_login(beneficiary)
    holder = receive_by_lcw(client, held)["credentialSubject"]["id"]
    response = client.post(reverse("wallet:my_data"), {"export-confirm": "on"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    listed = archive.read("portefeuilles.csv").decode()
    assert holder in listed and "Je sais utiliser un ordinateur" in listed and "ldp_vc" in listed
