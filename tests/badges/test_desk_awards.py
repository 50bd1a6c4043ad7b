"""A badge at the mediator's desk, without e-mail: a QR code and a short code on the
mediator's screen, kept on the person's phone with the identity given then."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges.models import Assertion, DeskAward, OutgoingEmail, WalletProfile
from badges.openbadges import bake
from badges.services.desk import desk_award_claim, desk_award_create
from badges.verification import verify_badge

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide 2026"


def desk_issue(client: Client, badge_class, name: str = "Awa Diallo") -> tuple[DeskAward, str]:
    """The mediator's side: the form, then the screen with the QR code and the short code."""
    response = client.post(reverse("partner:desk_new", kwargs={"public_id": badge_class.public_id}),
                           {"recipient_name": name, "narrative": "A envoyé son premier mail.",
                            "issued_on": timezone.localdate().isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    screen = client.get(response["Location"])
    assert screen.status_code == 200
    page = screen.content.decode()
    code = re.search(r'data-testid="desk-code">([A-Z0-9-]+)<', page).group(1)
    award = DeskAward.objects.get(recipient_name=name)
    assert "<svg" in page and award.token not in code
    return award, code


def wait_until_baked(assertion: Assertion, timeout: float = 60) -> Assertion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assertion.refresh_from_db()
        if assertion.baked_at is not None:
            return assertion
        time.sleep(0.2)
    raise AssertionError("the worker did not sign and bake the badge")


def test_nothing_is_issued_until_the_person_keeps_it(client, mediator, badge_class):
    client.force_login(mediator)
    award, code = desk_issue(client, badge_class)
    assert len(code.replace("-", "")) == 8 and not set(code) & set("0O1IL25SB8Z")
    assert Assertion.objects.count() == 0 and not mail.outbox
    assert award.expires_at - timezone.now() <= DeskAward.TTL


def test_the_whole_journey_without_email_ends_in_a_signed_badge_naming_the_passport(
        celery_worker, mediator, badge_class):
    desk = Client()
    desk.force_login(mediator)
    award, code = desk_issue(desk, badge_class)

    phone = Client()
    typed = phone.post(reverse("badges:desk_code"), {"code": code.lower().replace("-", " ")})
    assert typed.status_code == 302
    page = phone.get(typed["Location"])
    assert page.status_code == 200 and "Awa Diallo" in page.content.decode()
    kept = phone.post(typed["Location"], {"action": "account", "name": "Awa Diallo", "email": "",
                                          "password": PASSWORD})
    assert kept.status_code == 302
    assertion = Assertion.objects.get(desk_award__pk=award.pk)
    assert kept["Location"] == reverse("wallet:badge", kwargs={"public_id": assertion.public_id})
    user = assertion.recipient_user
    assert user.username.startswith("passeport-") and not user.email
    slug = WalletProfile.objects.get(user=user).slug
    assert assertion.recipient_email == "" and assertion.recipient_url.endswith(f"/passeport/p/{slug}/")
    assert assertion.issued_by == mediator

    assertion = wait_until_baked(assertion)
    with assertion.baked_png.open("rb") as handle:
        report = verify_badge(handle.read())
    assert report.status == "valid", report.checks
    assert report.holder == "Awa Diallo"
    assert assertion.ob3_credential["credentialSubject"]["id"] == assertion.recipient_url
    # The mediator's screen says so; the code cannot be used again.
    assert "a reçu son badge" in desk.get(reverse("partner:desk_award",
                                                  kwargs={"public_id": award.public_id})).content.decode()
    again = Client().post(reverse("badges:desk_code"), {"code": code})
    assert again.status_code == 400 and Assertion.objects.count() == 1
    # The person signs in again with the identifier they were given.
    signed_in = Client().post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_a_badge_downloaded_at_once_carries_the_email_given_then(celery_worker, mediator, badge_class):
    desk = Client()
    desk.force_login(mediator)
    award, _code = desk_issue(desk, badge_class)
    phone = Client()
    claim_url = reverse("badges:desk_claim", kwargs={"token": award.token})
    response = phone.post(claim_url, {"action": "download", "download-email": "Awa.Diallo@Example.org"})
    assert response.status_code == 302
    assertion = wait_until_baked(Assertion.objects.get(desk_award__pk=award.pk))
    assert assertion.recipient_email == "awa.diallo@example.org" and assertion.recipient_user is None
    assert "Télécharger l'image du badge" in phone.get(claim_url).content.decode()
    png = phone.get(reverse("badges:desk_download", kwargs={"token": award.token, "fmt": "png"}))
    assert png.status_code == 200 and png.content.startswith(bake.PNG_SIGNATURE)
    report = verify_badge(png.content, expected_email="awa.diallo@example.org")
    assert report.status == "valid" and report.recipient_match is True
    # Another browser with the same link gets nothing.
    assert Client().get(reverse("badges:desk_download", kwargs={"token": award.token, "fmt": "png"})).status_code == 404
    assert Client().get(claim_url).status_code == 410


def test_an_expired_code_issues_nothing(client, mediator, badge_class):
    award, code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    DeskAward.objects.filter(pk=award.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(reverse("badges:desk_code"), {"code": code}).status_code == 400
    response = client.post(reverse("badges:desk_claim", kwargs={"token": award.token}),
                           {"action": "download", "download-email": "a@example.org"})
    assert response.status_code == 410 and "expiré" in response.content.decode()
    assert Assertion.objects.count() == 0


def test_a_code_works_once(mediator, badge_class, beneficiary):
    from django.core.exceptions import ValidationError

    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    desk_award_claim(award=award, email="a@example.org")
    with pytest.raises(ValidationError):
        desk_award_claim(award=DeskAward.objects.get(pk=award.pk), user=beneficiary)
    assert Assertion.objects.count() == 1


def test_a_new_code_replaces_the_old_one(client, mediator, badge_class):
    client.force_login(mediator)
    award, old_code = desk_issue(client, badge_class)
    old_token = award.token
    client.post(reverse("partner:desk_renew", kwargs={"public_id": award.public_id}))
    award.refresh_from_db()
    new_code = re.search(r'data-testid="desk-code">([A-Z0-9-]+)<', client.get(
        reverse("partner:desk_award", kwargs={"public_id": award.public_id})).content.decode()).group(1)
    assert new_code != old_code and award.token != old_token
    phone = Client()
    assert phone.post(reverse("badges:desk_code"), {"code": old_code}).status_code == 400
    assert phone.get(reverse("badges:desk_claim", kwargs={"token": old_token})).status_code == 404
    assert phone.post(reverse("badges:desk_code"), {"code": new_code}).status_code == 302


def test_typing_codes_is_rate_limited(client, mediator, badge_class):
    _award, code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    for _ in range(10):
        assert client.post(reverse("badges:desk_code"), {"code": "ACDEFGHJ"}).status_code == 400
    # Even the right code waits: guessing stops here.
    response = client.post(reverse("badges:desk_code"), {"code": code})
    assert response.status_code == 429 and "Retry-After" in response


def test_a_mediator_of_another_issuer_neither_issues_nor_sees_the_code(client, outsider, mediator, badge_class):
    client.force_login(outsider)
    response = client.post(reverse("partner:desk_new", kwargs={"public_id": badge_class.public_id}),
                           {"recipient_name": "Awa", "issued_on": timezone.localdate().isoformat()})
    assert response.status_code == 404 and DeskAward.objects.count() == 0
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    assert client.get(reverse("partner:desk_award", kwargs={"public_id": award.public_id})).status_code == 404
    assert client.post(reverse("partner:desk_renew", kwargs={"public_id": award.public_id})).status_code == 404
    award.refresh_from_db()
    assert award.token == DeskAward.objects.get(pk=award.pk).token


def test_a_signed_in_person_keeps_it_with_their_verified_address(client, mediator, badge_class, beneficiary):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    client.force_login(beneficiary)
    response = client.post(reverse("badges:desk_claim", kwargs={"token": award.token}), {"action": "wallet"})
    assertion = Assertion.objects.get(desk_award__pk=award.pk)
    assert response.status_code == 302 and assertion.recipient_user == beneficiary
    assert assertion.recipient_email == beneficiary.email and assertion.recipient_url == ""


def test_a_passport_created_with_an_email_carries_it_and_sends_a_verification_link(client, mediator, badge_class):
    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    with_email = {"action": "account", "name": "Awa", "email": "awa@example.org", "password": PASSWORD}
    assert client.post(reverse("badges:desk_claim", kwargs={"token": award.token}), with_email).status_code == 302
    assertion = Assertion.objects.get(desk_award__pk=award.pk)
    assert assertion.recipient_email == "awa@example.org" and assertion.recipient_user.email == "awa@example.org"
    assert list(OutgoingEmail.objects.values_list("to", "template")) == [("awa@example.org", "verify_email")]


def test_a_badge_kept_without_email_never_counts_for_someone_else_in_a_pathway(mediator, badge_class, issuer):
    from django.contrib.auth import get_user_model

    from pathways.models import Enrolment, Pathway, PathwayStep
    from pathways.tasks import update_progress
    from tests.factories import BadgeClassFactory

    key = BadgeClassFactory(issuer=issuer, name="Badge-clé", automatic=True, issuable_by_mediator=False)
    pathway = Pathway.objects.create(issuer=issuer, name="Parcours", key_badge=key)
    PathwayStep.objects.create(pathway=pathway, order=1, badge_class=badge_class)
    for name in ("Awa", "Ali"):
        award, _code = desk_award_create(badge_class=badge_class, recipient_name=name, issued_by=mediator)
        person = get_user_model().objects.create_user(username=f"passeport-{name.lower()}", first_name=name)
        update_progress(desk_award_claim(award=award, user=person).pk)
    assert not Enrolment.objects.exists() and not Assertion.objects.filter(badge_class=key).exists()


def test_a_mediator_who_lost_the_right_to_issue_gets_no_badge_issued(client, mediator, badge_class):
    from issuers.models import Membership

    award, _code = desk_award_create(badge_class=badge_class, recipient_name="Awa", issued_by=mediator)
    Membership.objects.filter(user=mediator).delete()
    response = client.post(reverse("badges:desk_claim", kwargs={"token": award.token}),
                           {"action": "download", "download-email": "a@example.org"})
    assert response.status_code == 400 and "plus habilité" in response.content.decode()
    assert Assertion.objects.count() == 0
