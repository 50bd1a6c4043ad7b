"""Wallet offers' guards that tests/badges/test_wallets.py leaves implicit: each one, removed,
hands a badge to a wallet that should get nothing (docs/mutation.md, wallets.protect)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from badges.models import Evidence
from badges.services import assertion_revoke
from badges.wallets import services
from badges.wallets.models import WalletDelivery, WalletOffer
from tests.badges.test_wallets import (
    SECRET_EVIDENCE,
    Holder,
    nonce,
    post_json,
    request_credential,
    start_lcw,
    start_oid4vci,
    token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(badge_class, beneficiary):
    from tests.factories import AssertionFactory

    assertion = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                                 recipient_user=beneficiary)
    Evidence.objects.create(assertion=assertion, url=SECRET_EVIDENCE, narrative="Dossier")
    return assertion


def _access_token(client, assertion) -> tuple[dict, str]:
    offer, code = start_oid4vci(client, assertion)
    answer = token(client, offer, code)
    assert answer.status_code == 200, answer.content
    return offer, answer.json()["access_token"]


def _credential(client, offer: dict, access_token: str):
    return request_credential(client, access_token, "OpenBadgeCredential_ldp_vc",
                              Holder().proof_jwt(nonce(client), audience=offer["credential_issuer"]))


def test_an_access_token_is_refused_once_its_five_minutes_have_passed(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, access_token = _access_token(client, held)
    live = WalletOffer.objects.get()
    assert timedelta(minutes=4) < live.access_token_expires_at - timezone.now() <= timedelta(minutes=5)
    WalletOffer.objects.update(access_token_expires_at=timezone.now() - timedelta(seconds=1))
    answer = _credential(client, offer, access_token)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_token"
    assert not WalletDelivery.objects.exists()


def test_a_badge_revoked_between_the_token_and_the_credential_is_not_handed_out(client, beneficiary, held, owner):
    client.force_login(beneficiary)
    offer, access_token = _access_token(client, held)
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    answer = _credential(client, offer, access_token)
    assert answer.status_code == 401 and "credentials" not in answer.json()
    assert not WalletDelivery.objects.exists()


def test_a_badge_its_starter_no_longer_owns_is_not_handed_out_for_a_token_already_given(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, access_token = _access_token(client, held)
    held.recipient_user = None
    held.recipient_email = "someone.else@example.org"
    held.save()
    assert _credential(client, offer, access_token).status_code == 401
    assert not WalletDelivery.objects.exists()


def test_a_new_offer_stops_the_previous_qr_code(client, beneficiary, held):
    client.force_login(beneficiary)
    first = start_lcw(client, held)
    second = start_lcw(client, held)
    assert post_json(client, first, {}).status_code == 410
    assert post_json(client, second, {}).status_code == 200


def test_a_presentation_without_a_holder_or_a_proof_is_refused(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    request = post_json(client, exchange, {}).json()["verifiablePresentationRequest"]
    signed = Holder().did_auth(request)
    for presentation in ({**signed, "holder": "https://not-a-did.example"}, {**signed, "type": ["Other"]},
                         {key: value for key, value in signed.items() if key != "proof"}):
        assert post_json(client, exchange, {"verifiablePresentation": presentation}).status_code == 401
    assert not WalletDelivery.objects.exists()
    assert post_json(client, exchange, {"verifiablePresentation": signed}).status_code == 200


def test_one_way_s_secret_does_not_open_the_other(client, beneficiary, held):
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    exchange_id = exchange.rstrip("/").rsplit("/", 1)[-1]
    answer = client.post(reverse("wallets:oid4vci_token"), {
        "grant_type": services.PRE_AUTHORIZED_GRANT, "pre-authorized_code": exchange_id})
    assert answer.json()["error"] == "invalid_grant"
    offer, _code = start_oid4vci(client, held)
    code = offer["grants"][services.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    assert post_json(client, reverse("wallets:exchange", kwargs={"exchange_id": code}), {}).status_code == 404


def test_only_the_owner_starts_an_offer_and_never_for_a_revoked_badge(held, beneficiary, outsider, owner):
    with pytest.raises(PermissionDenied):
        services.wallet_offer_start(assertion=held, user=outsider, protocol=WalletOffer.Protocol.LCW)
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur")
    with pytest.raises(ValidationError):
        services.wallet_offer_start(assertion=held, user=beneficiary, protocol=WalletOffer.Protocol.LCW)
    assert not WalletOffer.objects.exists()


def test_a_wrong_transaction_code_gives_no_token_and_counts(client, beneficiary, held):
    client.force_login(beneficiary)
    offer, code = start_oid4vci(client, held)
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    answer = token(client, offer, wrong)
    assert answer.status_code == 400 and "access_token" not in answer.json()
    assert WalletOffer.objects.get().failed_attempts == 1
    assert token(client, offer, code).status_code == 200


def test_a_holder_proof_signed_long_ago_is_refused(client, beneficiary, held):
    import time

    import jwt

    client.force_login(beneficiary)
    offer, access_token = _access_token(client, held)
    wallet = Holder()
    payload = {"aud": offer["credential_issuer"], "iat": int(time.time()) - 3600, "nonce": nonce(client)}
    proof = jwt.encode(payload, wallet.key, algorithm="EdDSA",
                       headers={"typ": "openid4vci-proof+jwt", "kid": wallet.method})
    answer = request_credential(client, access_token, "OpenBadgeCredential_ldp_vc", proof)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_proof"
    assert not WalletDelivery.objects.exists()
