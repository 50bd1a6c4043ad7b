"""An endorser's key can be rotated or declared compromised, like an issuer's: its
published endorsements are signed again with the new key, what the old key signed
before keeps verifying, and what a compromised key signs afterwards is only a warning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.openbadges.util import iso_datetime_precise
from badges.verification import verify_badge, verify_endorsement_credential
from badges.views.hosted import JSON_TYPES
from endorsements import documents, services
from endorsements.models import Endorsement, EndorserKey
from tests.endorsements.conftest import endorsements_of

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": JSON_TYPES[0]}
KEYS_ADMIN = "/admin/endorsements/endorserkey/"





def endorsement_check(report):
    [check] = [c for c in report.checks if c.code == "endorsement"]
    return check


def signed_with(endorsement: Endorsement) -> str:
    return endorsement.ob3_credential["proof"][0]["verificationMethod"]


def test_rotating_signs_the_published_endorsements_again_with_the_new_key(endorsement, endorser):
    old_key = endorser.keys.get()
    old_copy = endorsement.ob3_credential
    new_key = services.endorser_key_rotate(endorser=endorser)
    endorsement.refresh_from_db()
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and old_key.revoked_at is None and new_key.is_active
    assert signed_with(endorsement) == documents.endorser_key_method_id(new_key)
    assert verify_endorsement_credential(endorsement.ob3_credential).ok
    assert verify_endorsement_credential(old_copy).ok


def test_the_endorser_profile_still_lists_the_old_key_after_a_rotation(client, endorsement, endorser):
    old_key = endorser.keys.get()
    new_key = services.endorser_key_rotate(endorser=endorser)
    profile = client.get(reverse("endorsements:endorser_profile", kwargs={"public_id": endorser.public_id}),
                         **JSON).json()
    assert profile["assertionMethod"] == [documents.endorser_key_url(old_key), documents.endorser_key_url(new_key)]
    multikey = client.get(reverse("endorsements:key", kwargs={"public_id": old_key.public_id})).json()
    assert "revoked" not in multikey


def test_a_badge_signed_before_a_rotation_keeps_verifying_and_one_signed_after_embeds_the_fresh_copy(
        endorsement, endorser, issue):
    before = issue()
    services.endorser_key_rotate(endorser=endorser)
    endorsement.refresh_from_db()
    after = issue()
    assert endorsements_of(after.ob3_credential) == [endorsement.ob3_credential]
    assert endorsements_of(before.ob3_credential) != endorsements_of(after.ob3_credential)
    for badge in (before, after):
        report = verify_badge(badge.ob3_credential)
        assert report.status == "valid" and endorsement_check(report).ok, endorsement_check(report).detail


def test_a_withdrawn_endorsement_is_not_signed_again(endorsement, endorser, endorser_user):
    services.endorsement_withdraw(endorsement=endorsement, user=endorser_user)
    signed = endorsement.ob3_credential
    services.endorser_key_rotate(endorser=endorser)
    endorsement.refresh_from_db()
    assert endorsement.ob3_credential == signed


def test_the_multikey_of_a_compromised_key_carries_its_date_and_stays_listed(client, endorsement, endorser):
    key = endorser.keys.get()
    services.endorser_key_revoke(key=key, reason="Fuite")
    key.refresh_from_db()
    assert key.revocation_reason == "Fuite" and key.retired_at == key.revoked_at
    multikey = client.get(reverse("endorsements:key", kwargs={"public_id": key.public_id})).json()
    assert multikey["revoked"] == iso_datetime_precise(key.revoked_at)
    profile = client.get(reverse("endorsements:endorser_profile", kwargs={"public_id": endorser.public_id}),
                         **JSON).json()
    assert documents.endorser_key_url(key) in profile["assertionMethod"]


def test_a_compromise_gives_the_endorser_a_new_key_its_endorsements_are_signed_again_with(endorsement, endorser,
                                                                                        issue):
    key = endorser.keys.get()
    services.endorser_key_revoke(key=key, reason="Fuite", revoked_at=timezone.now() - timedelta(days=1))
    new_key = services.endorser_active_key(endorser=endorser)
    assert new_key != key and new_key.is_active
    endorsement.refresh_from_db()
    assert signed_with(endorsement) == documents.endorser_key_method_id(new_key)
    report = verify_badge(issue().ob3_credential)
    assert report.status == "valid" and endorsement_check(report).ok, endorsement_check(report).detail


def test_what_a_compromised_key_signs_afterwards_is_a_warning_and_the_badge_stays_valid(endorsement, endorser,
                                                                                      issue):
    key = endorser.keys.get()
    services.endorser_key_revoke(key=key, reason="Fuite", revoked_at=timezone.now() - timedelta(days=1))
    # Whoever holds the leaked key signs the endorsement again today.
    forged = documents.signed_endorsement_credential(endorsement, key, timezone.now())
    Endorsement.objects.filter(pk=endorsement.pk).update(ob3_credential=forged)
    assert not verify_endorsement_credential(forged).ok
    report = verify_badge(issue().ob3_credential)
    assert report.status == "valid"
    check = endorsement_check(report)
    assert not check.ok and check.level == "warning"
    assert check.message == "Recommandé par Région Bourgogne-Franche-Comté — signature non vérifiée"
    assert "compromise" in check.detail


def test_a_badge_signed_before_the_compromise_keeps_a_verified_endorsement(endorsement, endorser, issue):
    before = issue()
    services.endorser_key_revoke(key=endorser.keys.get(), reason="Fuite",
                                 revoked_at=timezone.now() + timedelta(minutes=5))
    report = verify_badge(before.ob3_credential)
    assert report.status == "valid" and endorsement_check(report).ok, endorsement_check(report).detail


def test_a_superuser_rotates_an_endorser_key_from_the_admin(admin_client, endorsement, endorser):
    key = endorser.keys.get()
    response = admin_client.post(KEYS_ADMIN, {"action": "rotate", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    endorsement.refresh_from_db()
    assert key.retired_at is not None and key.revoked_at is None
    new_key = endorser.keys.exclude(pk=key.pk).get()
    assert signed_with(endorsement) == documents.endorser_key_method_id(new_key)


def test_a_superuser_marks_an_endorser_key_compromised_from_the_admin(admin_client, client, endorsement, endorser):
    key = endorser.keys.get()
    response = admin_client.post(KEYS_ADMIN, {"action": "mark_compromised", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    endorsement.refresh_from_db()
    assert key.revoked_at is not None and key.revocation_reason == "Déclarée compromise depuis l'administration"
    assert signed_with(endorsement) == documents.endorser_key_method_id(endorser.keys.exclude(pk=key.pk).get())
    multikey = client.get(reverse("endorsements:key", kwargs={"public_id": key.public_id})).json()
    assert multikey["revoked"] == iso_datetime_precise(key.revoked_at)


def test_the_admin_lists_the_keys_without_their_private_part(admin_client, endorsement, endorser):
    key = endorser.keys.get()
    secret = bytes(key.private_key_encrypted).decode()
    pages = [KEYS_ADMIN, f"{KEYS_ADMIN}{key.pk}/change/", f"/admin/endorsements/endorser/{endorser.pk}/change/"]
    for url in pages:
        response = admin_client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Région Bourgogne-Franche-Comté" in page
        assert "PRIVATE" not in page and secret not in page and "private_key_encrypted" not in page


def test_an_outsider_reaches_no_endorser_key_in_the_admin(client, outsider, endorsement, endorser):
    key = endorser.keys.get()
    client.force_login(outsider)
    for url in (KEYS_ADMIN, f"{KEYS_ADMIN}{key.pk}/change/", f"/admin/endorsements/endorser/{endorser.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    for action in ("rotate", "mark_compromised"):
        response = client.post(KEYS_ADMIN, {"action": action, "_selected_action": [key.pk]})
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    key.refresh_from_db()
    assert key.is_active and EndorserKey.objects.filter(endorser=endorser).count() == 1


def test_no_public_document_carries_a_private_key_after_a_compromise(client, endorsement, endorser):
    services.endorser_key_revoke(key=endorser.keys.get(), reason="Fuite")
    secrets = [bytes(k.private_key_encrypted).decode() for k in endorser.keys.all()]
    urls = [reverse("endorsements:credential", kwargs={"public_id": endorsement.public_id}),
            reverse("endorsements:endorser_profile", kwargs={"public_id": endorser.public_id}),
            *[reverse("endorsements:key", kwargs={"public_id": k.public_id}) for k in endorser.keys.all()]]
    for url in urls:
        body = client.get(url, **JSON).content.decode()
        assert "PRIVATE" not in body and "privateKey" not in body and "secretKey" not in body
        assert not any(secret in body for secret in secrets)
