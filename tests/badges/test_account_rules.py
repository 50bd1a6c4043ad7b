"""The account rules at the service level (the pages reach addresses through helpers scoped to
the signed-in person, so a service that forgot its own check would go unnoticed by them):
links that stop working, an address that stays its owner's, badges that leave with it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from badges.models import Assertion, EmailAddress
from badges.services import accounts
from tests.factories import AssertionFactory, BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", email="sam@example.org")


@pytest.fixture
def lea(db):
    return UserFactory(username="lea", email="lea@example.org")


def verify_token(user, email: str) -> str:
    return signing.TimestampSigner(salt=accounts.VERIFY_LINK_SALT).sign_object({"u": user.pk, "e": email})


def test_a_verification_link_verifies_its_address_and_brings_its_badges(sam, issuer):
    address = accounts.email_address_add(user=sam, email="sam.pro@example.org")
    sent = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam.pro@example.org")
    accounts.email_verification_confirm(token=verify_token(sam, address.email))
    address.refresh_from_db()
    sent.refresh_from_db()
    assert address.verified_at is not None and sent.recipient_user == sam


def test_a_verification_link_older_than_a_week_verifies_nothing(sam):
    address = accounts.email_address_add(user=sam, email="sam.pro@example.org")
    token = verify_token(sam, address.email)
    later = timezone.now() + timedelta(seconds=accounts.VERIFY_LINK_MAX_AGE + 60)
    with mock.patch("time.time", return_value=later.timestamp()):
        with pytest.raises(ValidationError, match="expiré"):
            accounts.email_verification_confirm(token=token)
    address.refresh_from_db()
    assert address.verified_at is None


def test_a_verification_link_of_a_deactivated_account_verifies_nothing(sam):
    address = accounts.email_address_add(user=sam, email="sam.pro@example.org")
    token = verify_token(sam, address.email)
    sam.is_active = False
    sam.save()
    with pytest.raises(ValidationError, match="pas valide"):
        accounts.email_verification_confirm(token=token)
    address.refresh_from_db()
    assert address.verified_at is None


def test_a_verification_link_cannot_give_an_address_of_another_account(sam, lea):
    """A link made for Sam naming Léa's address (Léa's is taken): the address stays Léa's."""
    with pytest.raises(ValidationError):
        accounts.email_verification_confirm(token=verify_token(sam, "lea@example.org"))
    assert EmailAddress.objects.get(email="lea@example.org").user == lea


def test_nobody_removes_an_address_of_someone_else(sam, lea):
    accounts.email_address_add(user=lea, email="lea.pro@example.org", verified=True)
    address = EmailAddress.objects.get(email="lea@example.org")
    with pytest.raises(ValidationError, match="pas la vôtre"):
        accounts.email_address_remove(user=sam, address=address)
    assert EmailAddress.objects.filter(pk=address.pk, user=lea).exists()


def test_the_last_verified_address_stays_even_with_an_unverified_one_beside_it(sam):
    accounts.email_address_add(user=sam, email="sam.pro@example.org")  # never verified
    address = EmailAddress.objects.get(email="sam@example.org")
    with pytest.raises(ValidationError, match="au moins une adresse vérifiée"):
        accounts.email_address_remove(user=sam, address=address)
    assert EmailAddress.objects.filter(pk=address.pk).exists()


def test_a_removed_address_takes_its_badges_out_of_the_wallet_and_only_those(sam, issuer):
    accounts.email_address_add(user=sam, email="sam.pro@example.org", verified=True)
    badge = BadgeClassFactory(issuer=issuer)
    pro = AssertionFactory(badge_class=badge, recipient_email="sam.pro@example.org", recipient_user=sam)
    personal = AssertionFactory(badge_class=badge, recipient_email="sam@example.org", recipient_user=sam)
    accounts.email_address_remove(user=sam, address=EmailAddress.objects.get(email="sam.pro@example.org"))
    pro.refresh_from_db()
    personal.refresh_from_db()
    assert pro.recipient_user is None and personal.recipient_user == sam
    assert not EmailAddress.objects.filter(email="sam.pro@example.org").exists()


def login_token(user) -> str:
    address = EmailAddress.objects.get(user=user, primary=True)
    return accounts._login_token(address)


def test_a_sign_in_link_opens_its_account_once(sam):
    token = login_token(sam)
    assert accounts.login_link_use(token=token) == sam
    with pytest.raises(ValidationError, match="plus valable"):
        accounts.login_link_use(token=token)


def test_a_sign_in_link_of_a_deactivated_account_opens_nothing(sam):
    token = login_token(sam)
    sam.is_active = False
    sam.save()
    with pytest.raises(ValidationError, match="plus valable"):
        accounts.login_link_use(token=token)


def test_a_sign_in_link_older_than_half_an_hour_opens_nothing(sam):
    token = login_token(sam)
    later = timezone.now() + timedelta(seconds=accounts.LOGIN_LINK_MAX_AGE + 60)
    with mock.patch("time.time", return_value=later.timestamp()):
        with pytest.raises(ValidationError, match="plus valable"):
            accounts.login_link_use(token=token)


def test_a_sign_in_link_stops_working_once_the_person_signed_in_another_way(sam):
    token = login_token(sam)
    sam.last_login = timezone.now()
    sam.save()
    with pytest.raises(ValidationError, match="plus valable"):
        accounts.login_link_use(token=token)


def test_a_deactivated_account_is_sent_no_sign_in_link(sam):
    sam.is_active = False
    sam.save()
    assert accounts.login_link_send(email="sam@example.org") is False
    from badges.models import OutgoingEmail
    assert not OutgoingEmail.objects.filter(to="sam@example.org", template="login_link").exists()


def test_a_deleted_account_leaves_no_badge_public_nor_attached(sam, issuer):
    badge = BadgeClassFactory(issuer=issuer)
    public = AssertionFactory(badge_class=badge, recipient_email="sam@example.org", recipient_user=sam,
                              visibility=Assertion.Visibility.PUBLIC)
    accounts.account_delete(user=sam)
    public.refresh_from_db()
    assert public.recipient_user is None and public.visibility == Assertion.Visibility.PRIVATE
    assert not public.revoked


def test_a_second_sign_up_with_a_taken_address_is_refused(sam):
    with pytest.raises(ValidationError, match="Un compte existe déjà avec cette adresse. Connectez-vous."):
        accounts.account_create(name="Sam bis", email="SAM@example.org", password="un-long-mot-de-passe")
    assert EmailAddress.objects.get(email="sam@example.org").user == sam


def test_a_passport_made_at_the_desk_without_an_email_still_needs_a_real_password(db):
    from django.contrib.auth import get_user_model

    with pytest.raises(ValidationError):
        accounts.account_create_on_the_spot(name="Awa Diallo", password="1234")
    assert not get_user_model().objects.filter(first_name="Awa Diallo").exists()


def test_verifying_an_address_takes_no_badge_out_of_someone_elses_wallet(sam, lea, issuer):
    """A badge kept at the desk by Léa with an address she typed stays hers when Sam proves that mailbox."""
    kept = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="typed@example.org",
                            recipient_user=lea)
    accounts.email_address_add(user=sam, email="typed@example.org", verified=True)
    kept.refresh_from_db()
    assert kept.recipient_user == lea


def test_a_verification_link_verifies_the_address_for_its_own_account_not_the_first_one(lea, sam):
    address = accounts.email_address_add(user=sam, email="sam.pro@example.org")
    verified = accounts.email_verification_confirm(token=verify_token(sam, address.email))
    assert verified.user == sam and verified.verified_at is not None
    assert EmailAddress.objects.get(email="sam.pro@example.org").user == sam


def test_a_deleted_account_leaves_private_even_a_badge_kept_with_an_address_it_never_verified(sam, issuer):
    """Kept at the desk with an address typed there: in the wallet, public, not an address of the account."""
    kept = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="typed@example.org",
                            recipient_user=sam, visibility=Assertion.Visibility.PUBLIC)
    accounts.account_delete(user=sam)
    kept.refresh_from_db()
    assert kept.visibility == Assertion.Visibility.PRIVATE and kept.recipient_user is None


def test_removing_an_address_takes_no_badge_out_of_someone_elses_wallet(sam, lea, issuer):
    accounts.email_address_add(user=sam, email="sam.pro@example.org", verified=True)
    kept = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam.pro@example.org",
                            recipient_user=lea)  # kept at the desk by Léa with Sam's address typed in
    accounts.email_address_remove(user=sam, address=EmailAddress.objects.get(email="sam.pro@example.org"))
    kept.refresh_from_db()
    assert kept.recipient_user == lea


def test_a_deleted_account_stops_its_public_badge_pages_at_once(client, sam, issuer):
    public = AssertionFactory(badge_class=BadgeClassFactory(issuer=issuer), recipient_email="sam@example.org",
                              recipient_user=sam, visibility=Assertion.Visibility.PUBLIC)
    # The first visit keeps the page as stale, the second keeps it current: from then on the page
    # of a public badge is served from the cache without reading the badge again.
    for _ in range(2):
        assert client.get(public.get_absolute_url()).status_code == 200
    accounts.account_delete(user=sam)
    assert client.get(public.get_absolute_url()).status_code == 404
    assert client.get(public.get_absolute_url()).status_code == 404
