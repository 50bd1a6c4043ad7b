import base64
import gzip

from badges.openbadges import jsonld, keys, ob3

from .factories import ISSUER_ID, KEY_URL, assertion, issuer, status_entry


def test_a_credential_has_the_ob3_shape():
    credential = ob3.build_credential(assertion(), status=status_entry(7))
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    identity = credential["credentialSubject"]["identifier"][0]
    assert identity["identityHash"].startswith("sha256$") and identity["salt"] == "pepper"
    assert credential["credentialStatus"]["statusListIndex"] == "7"
    assert credential["credentialSchema"] == [{
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019"}]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["alignment"][0]["targetCode"] == "H2913"
    assert achievement["creator"]["id"] == ISSUER_ID


def test_every_built_document_uses_only_defined_terms():
    pair = keys.generate_ed25519()
    documents = [
        ob3.build_credential(assertion(), status=status_entry(), self_issued=True),
        ob3.issuer_profile_document(issuer()),
        ob3.multikey_document(KEY_URL, ISSUER_ID, pair.public_multibase, revoked="2025-01-01T00:00:00Z"),
        ob3.build_status_list_credential("https://badgehub.example/status/1", issuer(), {3}),
    ]
    for document in documents:
        jsonld.canonize(document, strict=True)


def test_a_self_issued_badge_is_tagged():
    credential = ob3.build_credential(assertion(), self_issued=True)
    assert ob3.SELF_ISSUED_TAG in credential["credentialSubject"]["achievement"]["tag"]


def test_the_status_list_sets_the_leftmost_bit_for_index_zero():
    encoded = ob3.encode_status_list({0, 9}, size=16)
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=="))
    assert encoded.startswith("u") and "=" not in encoded
    assert raw == bytes([0b1000_0000, 0b0100_0000])


def test_a_revoked_index_reads_back_from_a_full_size_list():
    credential = ob3.build_status_list_credential("https://badgehub.example/status/1", ISSUER_ID, {5, 131071})
    encoded = credential["credentialSubject"]["encodedList"]
    assert ob3.status_bit(encoded, 5) and ob3.status_bit(encoded, 131071)
    assert not ob3.status_bit(encoded, 6)
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
