"""Endorsement documents and endorser Profiles are cached like the issuers' (ETag, 304, no
query when warm), and a withdrawal or a new key shows at once."""

import pytest
from django.urls import reverse

from endorsements import services

JSON = {"HTTP_ACCEPT": "application/ld+json"}


def urls(endorsement) -> dict[str, str]:
    endorser = endorsement.endorser
    key = endorser.keys.first()
    return {
        "ob2 endorsement": reverse("endorsements:document", kwargs={"public_id": endorsement.public_id}),
        "ob3 endorsement": reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}),
        "ob2 endorser": reverse("endorsements:endorser_document", kwargs={"public_id": endorser.public_id}),
        "ob3 endorser": reverse("endorsements:endorser_profile", kwargs={"public_id": endorser.public_id}),
        "endorser did": reverse("endorsements:endorser_did", kwargs={"public_id": endorser.public_id}),
        "endorser key": reverse("endorsements:key", kwargs={"public_id": key.public_id}),
    }


@pytest.mark.parametrize("name", ["ob2 endorsement", "ob3 endorsement", "ob2 endorser", "ob3 endorser",
                                  "endorser did", "endorser key"])
def test_each_endorsement_document_answers_304_and_is_served_warm_in_one_query_or_none(
        client, endorsement, name, django_assert_max_num_queries):
    url = urls(endorsement)[name]
    first = client.get(url, **JSON)
    client.get(url, **JSON)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    with django_assert_max_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **JSON).status_code == 304
    with django_assert_max_num_queries(1):
        assert client.get(url, **JSON).content == first.content


def test_a_withdrawal_shows_at_once_on_the_endorsement_and_the_badge_class(client, endorsement, endorser_user):
    found = urls(endorsement)
    badge_class_url = reverse("badges:class_detail", kwargs={"public_id": endorsement.badge_class.public_id})
    for _ in range(2):
        ob2 = client.get(found["ob2 endorsement"], **JSON)
        ob3 = client.get(found["ob3 endorsement"], **JSON)
        listed = client.get(badge_class_url, **JSON)
    assert str(endorsement.public_id) in listed.content.decode()

    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    assert client.get(found["ob2 endorsement"], HTTP_IF_NONE_MATCH=ob2["ETag"], **JSON).status_code == 410
    assert client.get(found["ob3 endorsement"], HTTP_IF_NONE_MATCH=ob3["ETag"], **JSON).status_code == 410
    unlisted = client.get(badge_class_url, HTTP_IF_NONE_MATCH=listed["ETag"], **JSON)
    assert unlisted.status_code == 200 and str(endorsement.public_id) not in unlisted.content.decode()


def test_a_new_endorser_key_shows_at_once_in_its_did_document(client, endorsement, endorser_user):
    url = urls(endorsement)["endorser did"]
    for _ in range(2):
        before = client.get(url, **JSON)
    key = services.endorser_key_rotate(endorser=endorsement.endorser, by=endorser_user)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"], **JSON)
    assert after.status_code == 200 and str(key.public_id) in after.content.decode()
