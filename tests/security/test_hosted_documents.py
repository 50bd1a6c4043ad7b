"""Open Badges documents are public at unguessable URLs, whatever the page's visibility:
they must carry nothing the owner keeps private."""

import json

import pytest
from django.urls import reverse

from badges.services import wallet as wallet_services
from badges.views.hosted import JSON_TYPES

pytestmark = pytest.mark.django_db


def fetch_json(client, url):
    response = client.get(url, HTTP_ACCEPT=JSON_TYPES[0])
    assert response.status_code == 200, response.content[:500]
    return response.content.decode(), json.loads(response.content)


def test_the_hosted_assertion_names_its_recipient_by_a_salted_hash_only(client, world, beneficiary):
    body, document = fetch_json(client, world.assertion.get_absolute_url())
    assert beneficiary.email not in body and "Sam" not in body
    assert document["recipient"]["hashed"] is True and document["recipient"]["identity"].startswith("sha256$")


def test_the_ob3_credential_names_its_recipient_by_a_salted_hash_only(client, world, beneficiary):
    from badges.issuing import assertion_finalise

    assertion_finalise(assertion=world.assertion)
    body, _document = fetch_json(client, reverse("ob:credential", kwargs={"public_id": world.assertion.public_id}))
    assert beneficiary.email not in body


def test_evidence_and_observation_the_owner_hides_are_not_in_the_hosted_assertion(client, world, beneficiary):
    body, _document = fetch_json(client, world.assertion.get_absolute_url())
    assert "preuve-privee" in body and "A envoyé un mail seul" in body
    wallet_services.assertion_set_shown_details(assertion=world.assertion, user=beneficiary,
                                                show_evidence=False, show_narrative=False)
    body, _document = fetch_json(client, world.assertion.get_absolute_url())
    assert "preuve-privee" not in body and "A envoyé un mail seul" not in body


def test_the_revocation_list_and_issuer_profile_carry_no_recipient(client, world, beneficiary, issuer):
    for url in (reverse("ob:revocations", kwargs={"public_id": issuer.public_id}),
                reverse("ob:issuer_v2", kwargs={"public_id": issuer.public_id})):
        body, _document = fetch_json(client, url)
        assert beneficiary.email not in body


def test_a_key_document_never_carries_the_private_key(client, issuer):
    key = issuer.signing_keys.first()
    body, _document = fetch_json(client, reverse("ob:key", kwargs={"public_id": key.public_id}))
    assert "PRIVATE" not in body
    assert b"PRIVATE KEY" not in bytes(key.private_key_encrypted)  # encrypted at rest
