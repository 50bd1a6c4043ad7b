"""The DID Authentication a wallet sends before it gets its badge, signed here as the wallets
sign it: Learner Credential Wallet's Ed25519Signature2020 over a VC 1.1 presentation (the
interop tests sign with LCW's own libraries but are not in the unit suite), a holder given as
an object, a proof as one object or in an array; and a document that is not a presentation.
Each at the verifier (``verify_did_authentication``) and at the exchange a wallet posts to."""

from dataclasses import dataclass

import base58
import pytest
from django.conf import settings
from django.utils import timezone

from badges.openbadges import proofs
from badges.openbadges.jsonld import CREDENTIALS_V1, CREDENTIALS_V2, ED25519_2020_V1
from badges.wallets.models import WalletDelivery
from badges.wallets.presentation import PresentationRefused, verify_did_authentication
from tests.badges.test_wallets import Holder, post_json, start_lcw

pytestmark = pytest.mark.django_db


CHALLENGE = "a-challenge-of-this-exchange"


@dataclass(frozen=True)
class Suite:
    name: str
    context: tuple[str, ...]
    options: tuple[tuple[str, str], ...]


# What LCW signs (VC 1.1, Ed25519Signature2020), and the current suite (VC 2.0, eddsa-rdfc-2022).
LCW = Suite("ed25519-2020", (CREDENTIALS_V1, ED25519_2020_V1), (("type", proofs.ED25519_SIGNATURE_2020),))
EDDSA = Suite("eddsa-rdfc-2022", (CREDENTIALS_V2,), (("type", "DataIntegrityProof"),
                                                     ("cryptosuite", proofs.CRYPTOSUITE)))


def sign(wallet: Holder, suite: Suite, *, challenge: str, domain: str, holder=None,
         types=("VerifiablePresentation",), proof_in_array: bool = False) -> dict:
    """A document signed with ``wallet``'s key for authentication, as a wallet does it."""
    document = {"@context": list(suite.context), "type": list(types), "holder": holder or wallet.did}
    options = {**dict(suite.options), "created": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
               "verificationMethod": wallet.method, "proofPurpose": "authentication",
               "challenge": challenge, "domain": domain}
    # Not strict: a document that is not a presentation does not define "holder" (it is then not
    # signed), as a lenient signer would sign it.
    canonical_config, canonical_document = proofs.canonical_forms(document, options, strict=False)
    signature = wallet.key.sign(proofs.hash_data(canonical_config, canonical_document))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    return {**document, "proof": [proof] if proof_in_array else proof}


SHAPES = [pytest.param(suite, in_array, id=f"{suite.name}-{'array' if in_array else 'object'}")
          for suite in (LCW, EDDSA) for in_array in (False, True)]


@pytest.mark.parametrize("suite, in_array", SHAPES)
def test_the_verifier_accepts_each_suite_whether_the_proof_is_an_object_or_an_array(suite, in_array):
    wallet = Holder()
    presentation = sign(wallet, suite, challenge=CHALLENGE, domain=settings.SITE_URL, proof_in_array=in_array)
    assert verify_did_authentication(presentation, challenge=CHALLENGE, domain=settings.SITE_URL).did == wallet.did


def test_an_ed25519_signature_2020_presentation_changed_after_signing_is_refused():
    wallet = Holder()
    presentation = sign(wallet, LCW, challenge=CHALLENGE, domain=settings.SITE_URL)
    presentation["holder"] = Holder().did
    with pytest.raises(PresentationRefused):
        verify_did_authentication(presentation, challenge=CHALLENGE, domain=settings.SITE_URL)


def test_a_holder_given_as_an_object_is_read_from_its_id():
    wallet = Holder()
    presentation = sign(wallet, EDDSA, challenge=CHALLENGE, domain=settings.SITE_URL, holder={"id": wallet.did})
    assert verify_did_authentication(presentation, challenge=CHALLENGE, domain=settings.SITE_URL).did == wallet.did


def test_a_holder_object_naming_someone_else_is_refused():
    wallet = Holder()
    presentation = sign(wallet, EDDSA, challenge=CHALLENGE, domain=settings.SITE_URL, holder={"id": Holder().did})
    with pytest.raises(PresentationRefused, match="not controlled by the holder"):
        verify_did_authentication(presentation, challenge=CHALLENGE, domain=settings.SITE_URL)


@pytest.mark.parametrize("suite", [LCW, EDDSA], ids=["ed25519-2020", "eddsa-rdfc-2022"])
def test_a_correctly_signed_document_that_is_not_a_presentation_is_refused(suite):
    wallet = Holder()
    credential = sign(wallet, suite, challenge=CHALLENGE, domain=settings.SITE_URL, types=("VerifiableCredential",))
    with pytest.raises(PresentationRefused, match="not a VerifiablePresentation"):
        verify_did_authentication(credential, challenge=CHALLENGE, domain=settings.SITE_URL)


# --- at the exchange Learner Credential Wallet posts to ---------------------------------------


def _request(client, beneficiary, held) -> tuple[str, dict]:
    client.force_login(beneficiary)
    exchange = start_lcw(client, held)
    return exchange, post_json(client, exchange, {}).json()["verifiablePresentationRequest"]


@pytest.mark.parametrize("suite, in_array", SHAPES)
def test_the_exchange_hands_the_badge_to_a_wallet_signing_with_either_suite(client, beneficiary, held, suite,
                                                                            in_array):
    exchange, request = _request(client, beneficiary, held)
    wallet = Holder()
    presentation = sign(wallet, suite, challenge=request["challenge"], domain=request["domain"],
                        proof_in_array=in_array)
    answer = post_json(client, exchange, {"verifiablePresentation": presentation})
    assert answer.status_code == 200, answer.content
    credential = answer.json()["verifiablePresentation"]["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == wallet.did
    assert WalletDelivery.objects.get().holder_id == wallet.did


def test_the_exchange_binds_the_badge_to_a_holder_given_as_an_object(client, beneficiary, held):
    exchange, request = _request(client, beneficiary, held)
    wallet = Holder()
    presentation = sign(wallet, LCW, challenge=request["challenge"], domain=request["domain"],
                        holder={"id": wallet.did})
    answer = post_json(client, exchange, {"verifiablePresentation": presentation})
    assert answer.status_code == 200, answer.content
    assert WalletDelivery.objects.get().holder_id == wallet.did


def test_the_exchange_gives_nothing_for_a_signed_credential_instead_of_a_presentation(client, beneficiary, held):
    exchange, request = _request(client, beneficiary, held)
    wallet = Holder()
    credential = sign(wallet, LCW, challenge=request["challenge"], domain=request["domain"],
                      types=("VerifiableCredential",))
    answer = post_json(client, exchange, {"verifiablePresentation": credential})
    assert answer.status_code == 401 and "verifiableCredential" not in answer.content.decode()
    assert not WalletDelivery.objects.exists()
