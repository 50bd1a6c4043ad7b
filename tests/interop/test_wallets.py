"""Wallets we did not write take a badge from a live badgehub, and what they receive is
verified by independent verifiers.

- Learner Credential Wallet, played with Digital Bazaar's @digitalbazaar/vc as LCW drives a
  VC-API exchange (tests/interop/js/lcw-wallet.mjs): DID Authentication by a did:key, then
  the credential, verified by the same stack (proof, did:web issuer, status list).
- An OpenID4VCI 1.0 wallet, played with @openid4vc/openid4vci (oid4vci-wallet.mjs): offer →
  metadata → pre-authorized code + tx_code → nonce → jwt proof → credential, in both
  formats; ldp_vc verified by Digital Bazaar's stack, jwt_vc_json by jose (verify-jwt.mjs).
"""

import html
import json

import pytest
from django.test import Client
from django.urls import reverse

from badges.models import Assertion
from badges.services import assertion_issue, assertion_revoke
from badges.wallets.models import WalletDelivery
from tests.factories import UserFactory

from .conftest import JS_DIR, RECIPIENT, _run, node_env

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held(site, badge_class, owner) -> Assertion:
    return assertion_issue(badge_class=badge_class, recipient_email=RECIPIENT, recipient_name="Sam", issued_by=owner,
                           narrative="Observé à l'atelier.")


@pytest.fixture
def browser(held) -> Client:
    """The owner's signed-in browser session."""
    client = Client()
    client.force_login(UserFactory(username="sam", email=RECIPIENT))
    return client


def shown_link(browser: Client, assertion: Assertion, way: str, prefix: str) -> tuple[str, str]:
    page = browser.post(reverse("wallet:add_to_wallet", kwargs={"public_id": assertion.public_id}),
                        {"way": way}).content.decode()
    start = page.index(f'href="{prefix}') + len('href="')
    code = page.split('data-testid="tx-code">')[1][:6] if 'data-testid="tx-code"' in page else ""
    return html.unescape(page[start:page.index('"', start)]), code


def node(script: str, *args: str):
    return _run(["node", str(JS_DIR / script), *args], env=node_env())


def write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_learner_credential_wallet_receives_the_badge_bound_to_its_did(held, browser, tmp_path, owner):
    deep_link, _ = shown_link(browser, held, "lcw", "https://lcw.app/request?")
    run = node("lcw-wallet.mjs", deep_link)
    assert run.accepted, run.output
    credential = run.report["credential"]
    assert credential["credentialSubject"]["id"] == run.report["holder"]
    assert WalletDelivery.objects.get().holder_id == run.report["holder"]

    # Revoked later: their stack reads it from the status list named in the wallet's copy.
    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur de saisie")
    again = node("verify.mjs", write(tmp_path, "lcw.json", credential))
    assert not again.accepted and any("revocation bit set" in e for e in again.report["errors"]), again.output


def test_learner_credential_wallet_signing_as_lcw_does_with_ed25519_signature_2020(held, browser):
    deep_link, _ = shown_link(browser, held, "lcw", "https://lcw.app/request?")
    run = node("lcw-wallet.mjs", "--ed25519-2020", deep_link)
    assert run.accepted, run.output
    assert run.report["presentation"]["proof"]["type"] == "Ed25519Signature2020"
    assert run.report["credential"]["credentialSubject"]["id"] == run.report["holder"]


@pytest.mark.parametrize("suite", ["--eddsa-rdfc-2022", "--ed25519-2020"])
def test_a_presentation_changed_after_signing_is_refused(held, browser, suite):
    deep_link, _ = shown_link(browser, held, "lcw", "https://lcw.app/request?")
    run = node("lcw-wallet.mjs", suite, "--tamper", deep_link)
    assert not run.accepted and "401" in run.output, run.output
    assert WalletDelivery.objects.count() == 0


def test_learner_credential_wallet_cannot_use_the_exchange_twice(held, browser):
    deep_link, _ = shown_link(browser, held, "lcw", "https://lcw.app/request?")
    assert node("lcw-wallet.mjs", deep_link).accepted
    second = node("lcw-wallet.mjs", deep_link)
    assert not second.accepted and "410" in second.output


def test_an_openid4vci_wallet_receives_an_ldp_vc_their_verifier_accepts(held, browser, tmp_path, owner):
    link, code = shown_link(browser, held, "oid4vci", "openid-credential-offer://")
    run = node("oid4vci-wallet.mjs", link, code, "OpenBadgeCredential_ldp_vc")
    assert run.accepted, run.output
    assert run.report["version"] == "v1" or run.report["version"].lower().startswith("v1"), run.report["version"]
    credential = run.report["credential"]
    assert credential["credentialSubject"]["id"] == run.report["holder"]
    verified = node("verify.mjs", write(tmp_path, "oid4vci.json", credential))
    assert verified.accepted, verified.output

    assertion_revoke(assertion=held, revoked_by=owner, reason="Erreur de saisie")
    again = node("verify.mjs", write(tmp_path, "oid4vci.json", credential))
    assert not again.accepted and any("revocation bit set" in e for e in again.report["errors"]), again.output


def test_an_openid4vci_wallet_receives_a_vc_jwt_jose_accepts(held, browser, tmp_path):
    link, code = shown_link(browser, held, "oid4vci", "openid-credential-offer://")
    run = node("oid4vci-wallet.mjs", link, code, "OpenBadgeCredential_jwt_vc_json")
    assert run.accepted, run.output
    token = run.report["credential"]
    assert isinstance(token, str) and token.count(".") == 2
    verified = node("verify-jwt.mjs", write(tmp_path, "oid4vci.jwt", token))
    assert verified.accepted, verified.output
    delivery = WalletDelivery.objects.get()
    assert (delivery.holder_id, delivery.format) == (run.report["holder"], "jwt_vc_json")


def test_an_openid4vci_wallet_without_the_transaction_code_gets_nothing(held, browser):
    link, code = shown_link(browser, held, "oid4vci", "openid-credential-offer://")
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    run = node("oid4vci-wallet.mjs", link, wrong, "OpenBadgeCredential_ldp_vc")
    assert not run.accepted and "invalid_grant" in run.output
    assert WalletDelivery.objects.count() == 0
