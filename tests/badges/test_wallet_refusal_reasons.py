"""What a wallet is told when it gets no badge: each refusal of the DID Authentication and of the
OpenID4VCI token names its own reason (a wallet shows it, its developer debugs with it), and a
presentation whose holder is missing or not a string is refused, never a server error
(docs/mutation.md, wallets.protect, session 6 second run)."""

import pytest
from django.conf import settings
from django.urls import reverse

from badges.services import assertion_revoke
from badges.wallets import services
from badges.wallets.models import WalletDelivery
from badges.wallets.presentation import PresentationRefused, verify_did_authentication
from tests.badges.test_wallets import Holder, post_json, start_lcw, start_oid4vci, token

pytestmark = pytest.mark.django_db


def _without(document: dict, key: str) -> dict:
    return {k: v for k, v in document.items() if k != key}


# (id, how the wallet's presentation is spoilt, the reason it is told)
SPOILT = [
    ("no-holder", lambda wallet, request: _without(wallet.did_auth(request), "holder"),
     "the presentation names no holder DID"),
    ("holder-a-number", lambda wallet, request: {**wallet.did_auth(request), "holder": 42},
     "the presentation names no holder DID"),
    ("no-proof", lambda wallet, request: _without(wallet.did_auth(request), "proof"),
     "no eddsa-rdfc-2022 or Ed25519Signature2020 proof"),
    ("another-challenge", lambda wallet, request: wallet.did_auth({**request, "challenge": "another-exchange"}),
     "wrong challenge"),
    ("another-site", lambda wallet, request: wallet.did_auth({**request, "domain": "https://elsewhere.example"}),
     "wrong domain"),
    # Changed after signing: the verifier's own reason is passed on.
    ("changed-after-signing", lambda wallet, request: {**wallet.did_auth(request), "holder": Holder().did},
     "Signature Ed25519 invalide"),
]


@pytest.mark.parametrize("spoil, reason", [pytest.param(s, r, id=i) for i, s, r in SPOILT])
def test_the_verifier_names_the_reason_of_each_refusal(spoil, reason):
    request = {"challenge": "a-challenge-of-this-exchange", "domain": settings.SITE_URL}
    presentation = spoil(Holder(), request)
    with pytest.raises(PresentationRefused) as refused:
        verify_did_authentication(presentation, challenge=request["challenge"], domain=request["domain"])
    assert str(refused.value) == reason


def test_the_exchange_tells_the_wallet_why_it_gets_nothing_and_still_serves_a_good_presentation(
        client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    wallet = Holder()
    for case, spoil, reason in SPOILT:
        answer = post_json(client, exchange, {"verifiablePresentation": spoil(wallet, request)})
        assert answer.status_code == 401, (case, answer.content)
        assert answer.json() == {"error": "invalid_presentation", "error_description": reason}, case
    assert not WalletDelivery.objects.exists()
    assert post_json(client, exchange, {"verifiablePresentation": wallet.did_auth(request)}).status_code == 200


def test_an_unknown_or_used_pre_authorized_code_is_refused_with_its_reason(client, beneficiary, held):
    told = {"error": "invalid_grant", "error_description": "unknown or already used pre-authorized code"}
    unknown = client.post(reverse("wallets:oid4vci_token"), {
        "grant_type": services.PRE_AUTHORIZED_GRANT, "pre-authorized_code": "not-a-code-we-gave"})
    assert unknown.status_code == 400 and unknown.json() == told
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    assert token(client, offer, code).status_code == 200
    again = token(client, offer, code)
    assert again.status_code == 400 and again.json() == told


def test_the_exchange_tells_a_stopped_offer_from_a_revoked_badge(client, beneficiary, held, owner):
    client.force_login(beneficiary)
    first = start_lcw(client, held)
    second = start_lcw(client, held)  # a new offer stops the first
    stopped = post_json(client, first, {})
    assert stopped.status_code == 410
    assert stopped.json() == {"error": "invalid_grant", "error_description": "offer used or expired"}
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    revoked = post_json(client, second, {})
    assert revoked.status_code == 403
    assert revoked.json() == {"error": "access_denied", "error_description": "this badge can no longer be handed out"}


def test_the_token_endpoint_tells_a_wrong_transaction_code_from_a_revoked_badge(client, beneficiary, held, owner):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    wrong = token(client, offer, str((int(code) + 1) % 1_000_000).zfill(6))
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant", "error_description": "wrong transaction code"}
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    revoked = token(client, offer, code)
    assert revoked.status_code == 400
    assert revoked.json() == {"error": "invalid_grant", "error_description": "this badge can no longer be handed out"}
