"""The wallet's rules at the service level, where they live: the views reach badges through
helpers scoped to the signed-in person, so a service that forgot its own check would go
unnoticed by the page tests. Each test here fails when one rule is removed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from badges.api_v1.models import Event
from badges.api_v1.webhooks import webhook_endpoint_create
from badges.issuing import assertion_finalise
from badges.models import Assertion, EmailAddress, ImportedBadge, WalletProfile
from badges.services import assertion_claim, assertion_issue
from badges.services.accounts import email_address_add
from badges.services.wallet import (
    assertion_set_shown_details,
    assertion_set_visibility,
    badge_import,
    imported_badge_delete,
    imported_badge_set_visibility,
    wallet_profile_update,
)
from tests.factories import AssertionFactory, BadgeClassFactory, IssuerFactory, UserFactory

pytestmark = pytest.mark.django_db

LEA = "lea@example.org"


@pytest.fixture
def unclaimed(issuer, owner):
    return assertion_issue(badge_class=BadgeClassFactory(issuer=issuer), recipient_email=LEA, issued_by=owner,
                           notify=False)


@pytest.fixture
def lea(db):
    return UserFactory(username="lea", email=LEA)


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", email="sam@example.org")


def test_a_claim_link_of_an_address_verified_by_another_account_claims_nothing(unclaimed, lea, sam):
    with pytest.raises(ValidationError, match="autre compte"):
        assertion_claim(assertion=unclaimed, user=sam)
    unclaimed.refresh_from_db()
    assert unclaimed.claimed_at is None and unclaimed.recipient_user == lea
    assert not EmailAddress.objects.filter(user=sam, email=LEA).exists()


def test_a_claim_link_of_an_address_another_account_added_but_never_verified_claims_nothing(unclaimed, sam):
    other = UserFactory(username="other", email="other@example.org")
    EmailAddress.objects.create(user=other, email=LEA)  # added, verification link not followed yet
    # Told to sign in with that account (not merely that the address is taken).
    with pytest.raises(ValidationError, match="Connectez-vous avec ce compte"):
        assertion_claim(assertion=unclaimed, user=sam)
    unclaimed.refresh_from_db()
    assert unclaimed.claimed_at is None and unclaimed.recipient_user is None
    assert EmailAddress.objects.get(email=LEA).user == other


def test_a_claim_makes_the_badge_the_claimers_and_verifies_the_address_for_them(unclaimed, sam):
    claimed = assertion_claim(assertion=unclaimed, user=sam)
    assert claimed.recipient_user == sam and claimed.claimed_at is not None
    assert EmailAddress.objects.get(email=LEA).user == sam
    assert EmailAddress.objects.get(email=LEA).verified_at is not None
    with pytest.raises(ValidationError, match="déjà été utilisé"):
        assertion_claim(assertion=unclaimed, user=sam)


def test_only_the_owner_chooses_what_a_badge_page_shows(issuer, lea, sam):
    held = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email=LEA, recipient_user=lea,
                            show_evidence=True, show_narrative=True)
    with pytest.raises(PermissionDenied):
        assertion_set_shown_details(assertion=held, user=sam, show_evidence=False, show_narrative=False)
    held.refresh_from_db()
    assert held.show_evidence and held.show_narrative
    assertion_set_shown_details(assertion=held, user=lea, show_evidence=False, show_narrative=True)
    held.refresh_from_db()
    assert not held.show_evidence and held.show_narrative


def test_the_issuers_webhooks_hear_only_of_a_badge_made_public(issuer, owner, unclaimed, sam):
    """Nothing is announced when a badge stays or becomes private: that is the person's business."""
    endpoint, _secret = webhook_endpoint_create(issuer=issuer, created_by=owner, url="https://crm.example.org/h",
                                                events=[Event.ASSERTION_MADE_PUBLIC])

    def announced() -> int:
        return endpoint.deliveries.filter(event=Event.ASSERTION_MADE_PUBLIC).count()

    assertion_claim(assertion=unclaimed, user=sam)
    assertion_set_visibility(assertion=unclaimed, user=sam, public=False)
    assert announced() == 0
    assertion_set_visibility(assertion=unclaimed, user=sam, public=True)
    assert announced() == 1
    assertion_set_visibility(assertion=unclaimed, user=sam, public=True)  # already public
    assertion_set_visibility(assertion=unclaimed, user=sam, public=False)
    assert announced() == 1


def test_a_public_profile_needs_its_address(lea):
    with pytest.raises(ValidationError) as refused:
        wallet_profile_update(user=lea, public=True, slug="  ", display_name="Léa", headline="")
    assert "slug" in refused.value.message_dict
    assert not WalletProfile.objects.filter(user=lea, public=True).exists()


@pytest.fixture
def imported(lea):
    return ImportedBadge.objects.create(
        user=lea, recipient_email=LEA, document_id="https://elsewhere.example.org/badges/1",
        badge_name="Engagement citoyen", version="ob3", source=ImportedBadge.Source.JSON, original_document={},
        verified_status="valid")


def test_only_the_owner_of_an_imported_badge_makes_it_public(imported, sam, lea):
    with pytest.raises(PermissionDenied):
        imported_badge_set_visibility(imported=imported, user=sam, public=True)
    imported.refresh_from_db()
    assert imported.visibility == Assertion.Visibility.PRIVATE
    imported_badge_set_visibility(imported=imported, user=lea, public=True)
    imported.refresh_from_db()
    assert imported.visibility == Assertion.Visibility.PUBLIC
    imported_badge_set_visibility(imported=imported, user=lea, public=False)  # and back
    imported.refresh_from_db()
    assert imported.visibility == Assertion.Visibility.PRIVATE


def test_only_the_owner_of_an_imported_badge_deletes_it(imported, sam, lea):
    with pytest.raises(PermissionDenied):
        imported_badge_delete(imported=imported, user=sam)
    assert ImportedBadge.objects.filter(pk=imported.pk).exists()
    imported_badge_delete(imported=imported, user=lea)
    assert not ImportedBadge.objects.filter(pk=imported.pk).exists()


def test_an_account_without_a_verified_address_imports_nothing(db):
    badge = BadgeClassFactory(issuer=IssuerFactory(name="Info Jeunes Vire"), name="Engagement citoyen")
    signed = assertion_finalise(assertion=AssertionFactory(badge_class=badge, recipient_email="nobody@example.org"))
    newcomer = UserFactory(username="newcomer", email="nobody@example.org")
    EmailAddress.objects.filter(user=newcomer).update(verified_at=None)
    with pytest.raises(ValidationError, match="Vérifiez d'abord une adresse"):
        badge_import(user=newcomer, data=signed.ob3_jwt)
    assert not ImportedBadge.objects.exists()


def test_a_badge_issued_to_a_second_verified_address_is_imported_for_it(db, lea):
    badge = BadgeClassFactory(issuer=IssuerFactory(name="Info Jeunes Vire"), name="Engagement citoyen")
    signed = assertion_finalise(assertion=AssertionFactory(badge_class=badge, recipient_email="lea.pro@example.org"))
    email_address_add(user=lea, email="lea.pro@example.org", verified=True)
    Assertion.objects.filter(pk=signed.pk).update(recipient_user=None)  # issued elsewhere: not in our records
    imported = badge_import(user=lea, data=signed.ob3_jwt)
    assert imported.recipient_email == "lea.pro@example.org" and imported.user == lea


@pytest.fixture
def signed_for_lea(db, lea):
    badge = BadgeClassFactory(issuer=IssuerFactory(name="Info Jeunes Vire"), name="Engagement citoyen")
    return assertion_finalise(assertion=AssertionFactory(badge_class=badge, recipient_email=LEA))


def test_a_revoked_badge_is_refused_as_revoked(signed_for_lea, lea):
    from badges.services import assertion_revoke

    assertion_revoke(assertion=signed_for_lea, reason="Erreur de saisie")
    with pytest.raises(ValidationError, match="révoqué par son émetteur : il ne peut pas être importé"):
        badge_import(user=lea, data=signed_for_lea.ob3_jwt)
    assert not ImportedBadge.objects.exists()


def test_a_tampered_badge_is_refused_even_though_it_can_be_read(signed_for_lea, lea):
    import json

    tampered = dict(signed_for_lea.ob3_credential, name="Je sais piloter un avion")
    with pytest.raises(ValidationError, match="n'a pas pu être vérifié"):
        badge_import(user=lea, data=json.dumps(tampered))
    assert not ImportedBadge.objects.exists()


def test_an_application_sends_only_open_badges_3_credentials(signed_for_lea, lea):
    """The OB 3.0 API's upsertCredential: a valid Open Badges 2.0 badge of the person is refused."""
    from badges.services.wallet import badge_upsert

    with pytest.raises(ValidationError, match="Seuls les badges Open Badges 3.0"):
        badge_upsert(user=lea, data=signed_for_lea.ob2_jws)
    assert not ImportedBadge.objects.exists()
    imported, created = badge_upsert(user=lea, data=signed_for_lea.ob3_jwt)
    assert created and imported.version == "ob3"


def test_a_badge_claimed_at_an_address_already_verified_becomes_the_claimers(issuer, owner, lea):
    """Sent after Léa verified her address (so not attached at verification): the claim attaches it."""
    later = assertion_issue(badge_class=BadgeClassFactory(issuer=issuer), recipient_email=LEA, issued_by=owner,
                            notify=False)
    assert later.recipient_user is None
    claimed = assertion_claim(assertion=later, user=lea)
    assert Assertion.objects.get(pk=claimed.pk).recipient_user == lea
