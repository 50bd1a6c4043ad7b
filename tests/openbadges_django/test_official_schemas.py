"""Every OB 3.0 document we publish passes the JSON Schema 1EdTech publishes for it.

The schemas are the specification's own artefacts (../shared/ob3-schemas/, see its README),
validated with format checking on, as 1EdTech's conformance suite does. Each document is
produced by the real issuing path and read back where a verifier would fetch it.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft201909Validator, Draft202012Validator

from badges.issuing import assertion_finalise
from badges.openbadges import ob3
from badges.services import EvidenceInput, assertion_issue, assertion_revoke
from badges.services.applications import assertion_self_issue
from endorsements import documents as endorsement_documents
from endorsements import services as endorsement_services
from issuers.models import SigningKey
from issuers.services import signing_key_create, signing_key_revoke

pytestmark = pytest.mark.django_db

SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "ob3-schemas"
JSON = {"HTTP_ACCEPT": "application/ld+json"}


def _validator(name: str, draft):
    path = SCHEMAS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the official schemas live in ../shared/ob3-schemas/", pytrace=False)
    schema = json.loads(path.read_text(encoding="utf-8"))
    draft.check_schema(schema)
    return draft(schema, format_checker=draft.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def schema_errors():
    validators = {
        "achievement": _validator("ob_v3p0_achievementcredential_schema.json", Draft201909Validator),
        "endorsement": _validator("ob_v3p0_endorsementcredential_schema.json", Draft201909Validator),
        "profile": _validator("ob_v3p0_profile_schema.json", Draft201909Validator),
        "vc": _validator("w3c_vc2_verifiable-credential-schema.json", Draft202012Validator),
    }

    def errors(kind: str, document: dict) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
                for e in validators[kind].iter_errors(document)]

    return errors


def test_format_checking_is_really_on(schema_errors, badge_class, owner):
    # date-time is checked only when the format dependencies are installed: without them
    # the schema would accept any string and the tests below would prove less.
    credential = _finalise(badge_class, owner).ob3_credential
    assert schema_errors("achievement", {**credential, "validFrom": "le 1er décembre"})


def _finalise(badge_class, owner, **kwargs):
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                             issued_by=owner, **kwargs)
    return assertion_finalise(assertion=issued)


def _hosted_credential(client, assertion) -> dict:
    response = client.get(f"/ob/credentials/{assertion.public_id}", **JSON)
    assert response.status_code == 200
    return response.json()


def _assert_valid_credential(schema_errors, credential: dict) -> None:
    assert schema_errors("achievement", credential) == []
    assert isinstance(credential["proof"], list)
    assert credential["credentialSchema"] == [{"id": ob3.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json" in credential["@context"]


def test_a_badge_issued_by_a_mediator_passes(client, schema_errors, badge_class, owner):
    assertion = _finalise(badge_class, owner, narrative="Observé à l'atelier.")
    _assert_valid_credential(schema_errors, _hosted_credential(client, assertion))


def test_a_self_declared_badge_passes(client, schema_errors, badge_class, beneficiary):
    badge_class.self_issuable = True
    badge_class.save()
    issued = assertion_self_issue(badge_class=badge_class, user=beneficiary, narrative="Je m'y intéresse.")
    credential = _hosted_credential(client, assertion_finalise(assertion=issued))
    assert ob3.SELF_ISSUED_TAG in credential["credentialSubject"]["achievement"]["tag"]
    _assert_valid_credential(schema_errors, credential)


def test_a_badge_with_evidence_passes(client, schema_errors, badge_class, owner):
    evidence = [EvidenceInput(narrative="A envoyé un mail avec pièce jointe.", url="https://example.org/preuve",
                              name="Capture d'écran", genre="Photo"),
                EvidenceInput(narrative="Observé en atelier collectif.")]
    credential = _hosted_credential(client, _finalise(badge_class, owner, evidence=evidence))
    assert len(credential["evidence"]) == 2
    _assert_valid_credential(schema_errors, credential)


def test_an_expiring_badge_passes(client, schema_errors, badge_class, owner):
    badge_class.validity_days = 365
    badge_class.save()
    credential = _hosted_credential(client, _finalise(badge_class, owner))
    assert credential["validUntil"] > credential["validFrom"]
    _assert_valid_credential(schema_errors, credential)


def test_a_revoked_badge_and_its_status_list_pass(client, schema_errors, badge_class, owner, issuer):
    assertion = _finalise(badge_class, owner)
    assertion_revoke(assertion=assertion, reason="Délivré par erreur", revoked_by=owner)
    _assert_valid_credential(schema_errors, _hosted_credential(client, assertion))
    number, index = assertion.status_list
    status_list = client.get(f"/ob/issuers/{issuer.public_id}/status/{number}").json()
    assert ob3.status_bit(status_list["credentialSubject"]["encodedList"], index)
    assert schema_errors("vc", status_list) == []
    assert isinstance(status_list["proof"], list)


def test_badges_signed_after_key_rotation_and_compromise_pass(client, schema_errors, badge_class, owner, issuer):
    before = _finalise(badge_class, owner)
    signing_key_create(issuer=issuer, algorithm=SigningKey.Algorithm.ED25519)
    rotated = _finalise(badge_class, owner)
    signing_key_revoke(key=rotated.signing_key_ed25519, reason="Fuite", revoked_at=timezone.now())
    after_compromise = _finalise(badge_class, owner)
    keys = {before.signing_key_ed25519_id, rotated.signing_key_ed25519_id, after_compromise.signing_key_ed25519_id}
    assert len(keys) == 3
    for assertion in (before, rotated, after_compromise):
        _assert_valid_credential(schema_errors, _hosted_credential(client, assertion))
    profile = client.get(f"/ob/issuers/{issuer.public_id}", **JSON).json()
    assert len(profile["assertionMethod"]) == 3
    assert schema_errors("profile", profile) == []


# --- endorsements and profiles ------------------------------------------------------


@pytest.fixture
def endorser(endorser_user):
    return endorsement_services.endorser_create(user=endorser_user, name="Région Bourgogne-Franche-Comté",
                                                email="contact@region.example", url="https://region.example")


def _endorse(owner, endorser_user, endorser, **target):
    invitation = endorsement_services.endorsement_invite(
        invited_by=owner, organisation_name=endorser.name, email=endorser.email, **target)
    return endorsement_services.endorsement_accept(invitation=invitation, user=endorser_user, endorser=endorser,
                                                   statement="Nous apprécions ce badge.")


@pytest.fixture
def endorsed(badge_class, issuer, owner, endorser_user, endorser):
    """A badge whose badge class and issuer are both endorsed."""
    on_badge = _endorse(owner, endorser_user, endorser, badge_class=badge_class)
    on_issuer = _endorse(owner, endorser_user, endorser, issuer=issuer)
    return _finalise(badge_class, owner), on_badge, on_issuer


def test_an_endorsed_badge_and_the_endorsements_it_embeds_pass(client, schema_errors, endorsed):
    assertion, on_badge, on_issuer = endorsed
    credential = _hosted_credential(client, assertion)
    _assert_valid_credential(schema_errors, credential)
    embedded = [*credential["credentialSubject"]["achievement"]["endorsement"], *credential["issuer"]["endorsement"]]
    assert [e["id"] for e in embedded] == [on_badge.ob3_credential["id"], on_issuer.ob3_credential["id"]]
    for endorsement in embedded:
        assert schema_errors("endorsement", endorsement) == []


def test_a_hosted_endorsement_credential_passes(client, schema_errors, endorsed):
    _assertion, on_badge, _on_issuer = endorsed
    response = client.get(endorsement_documents.endorsement_credential_url(on_badge).removeprefix(settings.SITE_URL))
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert schema_errors("endorsement", document) == []
    assert isinstance(document["proof"], list)
    assert document["credentialSchema"] == [{"id": ob3.ENDORSEMENT_SCHEMA_URL,
                                             "type": "1EdTechJsonSchemaValidator2019"}]


def test_the_hosted_issuer_and_endorser_profiles_pass(client, schema_errors, endorsed, issuer, endorser):
    issuer_profile = client.get(f"/ob/issuers/{issuer.public_id}", **JSON).json()
    assert issuer_profile["endorsement"]  # the issuer's endorsement is embedded in its profile too
    assert schema_errors("profile", issuer_profile) == []
    for endorsement in issuer_profile["endorsement"]:
        assert schema_errors("endorsement", endorsement) == []
    endorser_url = endorsement_documents.ob3_endorser_profile_url(endorser)
    endorser_profile = client.get(endorser_url.removeprefix(settings.SITE_URL), **JSON).json()
    assert endorser_profile["id"] == endorser_url and endorser_profile["assertionMethod"]
    assert schema_errors("profile", endorser_profile) == []


def test_a_credential_whose_proof_is_one_object_fails_the_official_schema(schema_errors, badge_class, owner):
    """The rule these tests protect: an object where the schema wants an array is caught."""
    credential = _finalise(badge_class, owner).ob3_credential
    assert schema_errors("achievement", {**credential, "proof": credential["proof"][0]})


def test_an_expiry_in_the_past_is_still_a_well_formed_document(client, schema_errors, badge_class, owner):
    # Expired badges are re-served as issued; being expired is a verdict, not a schema error.
    issued = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", issued_by=owner,
                             issued_on=timezone.now() - timedelta(days=400))
    badge_class.validity_days = 30
    badge_class.save()
    issued.expires_on = issued.issued_on + timedelta(days=30)
    issued.save(update_fields=["expires_on"])
    _assert_valid_credential(schema_errors, _hosted_credential(client, assertion_finalise(assertion=issued)))
