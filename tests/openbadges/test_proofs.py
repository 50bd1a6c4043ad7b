import copy
import hashlib
import json
from pathlib import Path

import pytest

from badges.openbadges import jsonld, keys, ob3, proofs

from .factories import ISSUER_ID, KEY_URL, NOW, assertion, status_entry

VECTORS = Path(__file__).parent / "vectors" / "eddsa-rdfc-2022"


def _vector(name):
    text = (VECTORS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def test_it_reproduces_the_w3c_eddsa_rdfc_2022_test_vector_byte_for_byte():
    key_pair = _vector("keyPair.json")
    signed = _vector("signedDataInt.json")
    config = _vector("proofConfigDataInt.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}

    canonical_config, canonical_doc = proofs.canonical_forms(unsigned, config)
    assert canonical_config == _vector("proofCanonDataInt.txt")
    assert canonical_doc == _vector("canonDocDataInt.txt")
    combined = _vector("combinedHashDataInt.txt")
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == combined[:64]
    assert hashlib.sha256(canonical_doc.encode()).hexdigest() == combined[64:]
    assert proofs.hash_data(canonical_config, canonical_doc).hex() == combined

    secured = proofs.add_data_integrity_proof(
        unsigned, key_pair["privateKeyMultibase"], config["verificationMethod"], config["created"]
    )
    # The vector's proof, as the one element of an array (what the OB 3.0 JSON Schemas require).
    assert secured["proof"] == [signed["proof"]]
    assert secured["proof"][0]["proofValue"] == _vector("sigBTC58DataInt.txt")


def test_the_vector_key_pair_round_trips_through_multibase():
    key_pair = _vector("keyPair.json")
    private = keys.ed25519_private_from_multibase(key_pair["privateKeyMultibase"])
    assert keys.ed25519_public_multibase(private.public_key()) == key_pair["publicKeyMultibase"]
    assert keys.ed25519_private_multibase(private) == key_pair["privateKeyMultibase"]


def test_the_published_vector_verifies():
    signed = _vector("signedDataInt.json")
    public = _vector("keyPair.json")["publicKeyMultibase"]
    result = proofs.verify_data_integrity_proof(signed, lambda vm: (public, "https://vc.example/issuers/5678"))
    assert result.verified, result.error


@pytest.fixture(scope="module")
def key_pair():
    return keys.generate_ed25519()


@pytest.fixture
def credential():
    return ob3.build_credential(assertion(), status=status_entry())


def _resolver(key_pair):
    return lambda vm: (key_pair.public_multibase, ISSUER_ID)


def test_a_signed_credential_verifies(key_pair, credential):
    secured = proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    assert secured["proof"][0]["created"] == "2025-06-01T12:00:00Z"
    assert "proof" not in credential
    assert proofs.verify_data_integrity_proof(secured, _resolver(key_pair)).verified


def test_tampering_with_a_signed_credential_is_detected(key_pair, credential):
    secured = proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    tampered = copy.deepcopy(secured)
    tampered["credentialSubject"]["achievement"]["name"] = "Soudure sous-marine"
    result = proofs.verify_data_integrity_proof(tampered, _resolver(key_pair))
    assert not result.verified
    assert "invalide" in result.error


def test_a_signature_by_another_key_is_refused(key_pair, credential):
    secured = proofs.add_data_integrity_proof(credential, keys.generate_ed25519().private_pem, KEY_URL, NOW)
    assert not proofs.verify_data_integrity_proof(secured, _resolver(key_pair)).verified


def test_signing_refuses_a_term_no_context_defines(key_pair, credential):
    credential["credentialSubject"]["achievement"]["difficulty"] = "haute"
    with pytest.raises(jsonld.UndefinedTermError) as excinfo:
        proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    assert excinfo.value.term == "difficulty"


def test_signing_refuses_an_undefined_type(key_pair, credential):
    credential["type"].append("FancyBadge")
    with pytest.raises(jsonld.UndefinedTermError) as excinfo:
        proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    assert excinfo.value.term == "FancyBadge"


def test_canonicalisation_never_fetches_an_unknown_context(key_pair, credential):
    credential["@context"].append("https://evil.example/context.json")
    with pytest.raises(jsonld.ContextNotAvailableError):
        proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)


def test_did_key_verification_methods_resolve_from_the_did_itself(key_pair, credential):
    did = keys.did_key(key_pair.public_multibase)
    credential["issuer"]["id"] = did
    secured = proofs.add_data_integrity_proof(
        credential, key_pair.private_pem, keys.did_key_verification_method(key_pair.public_multibase), NOW)
    result = proofs.verify_data_integrity_proof(secured, resolve_key=None)
    assert result.verified and result.controller == did


def test_a_vc_jwt_round_trips_with_the_spec_claims(key_pair, credential):
    credential["validUntil"] = "2030-01-01T00:00:00Z"
    token = proofs.sign_vc_jwt(credential, key_pair.private_pem, KEY_URL)
    import jwt as pyjwt
    header = pyjwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": KEY_URL, "typ": "JWT"}
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == ISSUER_ID and claims["jti"] == credential["id"]
    assert claims["nbf"] == 1736467200 and claims["exp"] == 1893456000
    # OB 3.0 §8.2: the payload is the credential itself; sub only for a subject with an id.
    assert "sub" not in claims and "vc" not in claims
    assert {k: v for k, v in claims.items() if k not in proofs.JWT_REGISTERED} == credential
    result = proofs.verify_vc_jwt(token, _resolver(key_pair))
    assert result.verified and result.credential == credential and result.form == "vc-jwt"


def test_a_tampered_vc_jwt_is_refused(key_pair, credential):
    token = proofs.sign_vc_jwt(credential, key_pair.private_pem, KEY_URL)
    header, payload, signature = token.split(".")
    other = proofs.sign_vc_jwt({**credential, "name": "Autre"}, key_pair.private_pem, KEY_URL).split(".")[1]
    assert not proofs.verify_vc_jwt(f"{header}.{other}.{signature}", _resolver(key_pair)).verified


@pytest.mark.parametrize("change, error", [
    (lambda d: d.pop("proof"), "Aucune preuve eddsa-rdfc-2022 trouvée"),
    (lambda d: d["proof"][0].update(type="Ed25519Signature2020"), "Unsupported proof type"),
    (lambda d: d["proof"][0].update(cryptosuite="ecdsa-rdfc-2019"), "Aucune preuve eddsa-rdfc-2022 trouvée"),
    (lambda d: d["proof"][0].update(proofPurpose="authentication"), "Unexpected proofPurpose"),
    (lambda d: d["proof"][0].update({"@context": ["https://example.org/other"]}), "does not prefix"),
    (lambda d: d["proof"][0].update(proofValue="uQUJD"), "not base58btc"),
    (lambda d: d["proof"][0].pop("proofValue"), "not base58btc"),
])
def test_a_proof_that_is_missing_or_not_ours_to_check_is_not_verified(key_pair, credential, change, error):
    secured = proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    change(secured)
    result = proofs.verify_data_integrity_proof(secured, _resolver(key_pair))
    assert result.verified is False and error in result.error


def test_a_proof_reports_its_method_creation_and_controller(key_pair, credential):
    secured = proofs.add_data_integrity_proof(credential, key_pair.private_pem, KEY_URL, NOW)
    result = proofs.verify_data_integrity_proof(secured, _resolver(key_pair))
    assert (result.verified, result.verification_method, result.created, result.controller) == \
        (True, KEY_URL, "2025-06-01T12:00:00Z", ISSUER_ID)
    result = proofs.verify_data_integrity_proof(secured, lambda vm: (_ for _ in ()).throw(LookupError("no key")))
    assert result.verified is False and result.error == "LookupError: no key"
