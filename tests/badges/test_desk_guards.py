"""Desk awards' guards at the level they live (the service, then the page), each of which,
removed, hands a badge to the wrong person or lets codes be guessed (docs/mutation.md, desk.protect)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges import throttle
from badges.models import Assertion, DeskAward
from badges.services.desk import desk_award_claim, desk_award_create, desk_award_for_code, desk_award_renew
from issuers.models import Membership
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(mediator, badge_class) -> tuple[DeskAward, str]:
    return desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)


def test_an_expired_award_is_refused_by_the_service_itself(award):
    award, _code = award
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="déjà servi ou a expiré"):
        desk_award_claim(award=award, email="a@example.org")
    assert not Assertion.objects.exists()


def test_an_award_still_open_for_a_minute_is_kept(award):
    award, _code = award
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert desk_award_claim(award=award, email="a@example.org").recipient_email == "a@example.org"


def test_a_claim_without_an_account_nor_an_address_is_refused_and_leaves_the_code_open(award):
    award, _code = award
    with pytest.raises(ValidationError) as refused:
        desk_award_claim(award=award, email="  ")
    assert refused.value.message_dict == {"email": ["Indiquez une adresse e-mail, ou créez votre passeport sur place."]}
    award.refresh_from_db()
    assert award.claimed_at is None and not Assertion.objects.exists()
    assert desk_award_claim(award=award, email="a@example.org").recipient_email == "a@example.org"


def test_a_second_claim_with_the_same_link_never_takes_the_badge_from_the_first_person(award, beneficiary):
    award, _code = award
    stale = DeskAward.objects.get(pk=award.pk)  # the other phone read the award before the first claim
    first = desk_award_claim(award=award, email="awa@example.org")
    with pytest.raises(ValidationError, match="demandez-en un nouveau au médiateur"):
        desk_award_claim(award=stale, user=beneficiary)
    first.refresh_from_db()
    assert first.recipient_email == "awa@example.org" and first.recipient_user is None
    assert Assertion.objects.count() == 1


def test_a_used_or_expired_code_names_no_award(award, mediator, badge_class):
    award, code = award
    assert desk_award_for_code(code=code) == award
    desk_award_claim(award=award, email="a@example.org")
    assert desk_award_for_code(code=code) is None
    assert Client().post(reverse("badges:desk_code"), {"code": code}).status_code == 400
    other, other_code = desk_award_create(badge_class=badge_class, recipient_name="Ali", issued_by=mediator)
    DeskAward.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert desk_award_for_code(code=other_code) is None
    assert desk_award_for_code(code="ACDEFGHJ") is None


def test_a_kept_award_gets_no_new_code(award):
    award, code = award
    desk_award_claim(award=award, email="a@example.org")
    token = DeskAward.objects.get(pk=award.pk).token
    with pytest.raises(ValidationError):
        desk_award_renew(award=award)
    renewed = DeskAward.objects.get(pk=award.pk)
    assert renewed.token == token and desk_award_for_code(code=code) is None


def test_a_new_code_lasts_ten_minutes_and_the_old_one_stops(award):
    award, old = award
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    new = desk_award_renew(award=award)
    renewed = DeskAward.objects.get(pk=award.pk)
    assert timedelta(minutes=9) < renewed.expires_at - timezone.now() <= timedelta(minutes=10)
    assert desk_award_for_code(code=old) is None and desk_award_for_code(code=new) == renewed


def test_opening_claim_links_is_rate_limited_per_client(award, monkeypatch):
    award, _code = award
    monkeypatch.setattr(throttle, "CLAIM_PER_CLIENT", throttle.Rule("claim-ip", 2, 10**9))
    phone = Client()
    url = reverse("badges:desk_claim", kwargs={"token": award.token})
    assert [phone.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_issuer_s_staff_follow_a_mediator_s_award_and_nobody_else_does(award, owner, issuer, beneficiary,
                                                                           other_issuer):
    award, _code = award
    page = reverse("partner:desk_award", kwargs={"public_id": award.public_id})
    browser = Client()
    browser.force_login(owner)
    assert browser.get(page).status_code == 200
    colleague = UserFactory(username="colleague")
    Membership.objects.create(user=colleague, issuer=issuer, role=Membership.Role.MEDIATOR)
    browser.force_login(colleague)
    assert browser.get(page).status_code == 200
    elsewhere = UserFactory(username="elsewhere")
    Membership.objects.create(user=elsewhere, issuer=other_issuer, role=Membership.Role.OWNER)
    for person in (beneficiary, elsewhere):
        browser.force_login(person)
        assert browser.get(page).status_code == 404
        assert browser.post(reverse("partner:desk_renew", kwargs={"public_id": award.public_id})).status_code == 404


def test_the_service_refuses_a_mediator_without_the_right_to_issue_and_a_blank_name(mediator, outsider, issuer):
    habilitation = BadgeClassFactory(issuer=issuer, name="Acteur de la médiation numérique")
    guarded = BadgeClassFactory(issuer=issuer, name="Badge gardé", required_badge=habilitation)
    with pytest.raises(PermissionDenied):
        desk_award_create(badge_class=guarded, recipient_name="Awa", issued_by=mediator)
    with pytest.raises(PermissionDenied):
        desk_award_create(badge_class=habilitation, recipient_name="Awa", issued_by=outsider)
    with pytest.raises(ValidationError):
        desk_award_create(badge_class=habilitation, recipient_name="  ", issued_by=mediator)
    assert not DeskAward.objects.exists()


def test_the_kept_badge_carries_the_name_narrative_and_date_the_mediator_gave(mediator, badge_class, beneficiary):
    observed = timezone.now() - timedelta(days=3)
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa Diallo", issued_by=mediator,
                                     narrative="A envoyé son premier mail.", issued_on=observed)
    assertion = desk_award_claim(award=award, user=beneficiary)
    assertion.refresh_from_db()
    assert (assertion.recipient_name, assertion.narrative) == ("Awa Diallo", "A envoyé son premier mail.")
    assert assertion.issued_on == observed and assertion.issued_by == mediator
    assert assertion.recipient_user == beneficiary and assertion.claimed_at is not None, "in the passport, kept"
    assert not assertion.emails.filter(template="award").exists(), "signed in: nothing to mail"


def test_a_badge_kept_with_only_an_email_is_mailed_to_it(mediator, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    assertion = desk_award_claim(award=award, email="Awa@Example.org")
    assert assertion.recipient_email == "awa@example.org" and assertion.recipient_user is None
    assert list(assertion.emails.filter(template="award").values_list("to", flat=True)) == ["awa@example.org"]


def test_a_reviewer_of_the_issuer_does_not_follow_desk_awards(award, reviewer):
    award, _code = award
    browser = Client()
    browser.force_login(reviewer)
    assert browser.get(reverse("partner:desk_award", kwargs={"public_id": award.public_id})).status_code == 404
