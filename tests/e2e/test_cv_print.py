"""The CV sheet of a badge fits a phone and prints on one A4 page, even with long texts."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from badges.issuing import assertion_finalise
from badges.models import Assertion
from tests.e2e.conftest import PHONE
from tests.e2e.test_phone_widths import LONG_EMAIL, LONG_WORD, sign_in
from tests.factories import AssertionFactory, BadgeClassFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_cv_sheet_fits_a_phone_and_prints_on_one_a4_page(browser, live_server, issuer, settings):
    settings.SITE_URL = live_server.url
    person = UserFactory(username="longue", email=LONG_EMAIL, first_name=LONG_WORD)
    badge_class = BadgeClassFactory(issuer=issuer, name="Je sais créer et gérer mes comptes en ligne " * 3)
    assertion = assertion_finalise(assertion=AssertionFactory(
        badge_class=badge_class, recipient_email=LONG_EMAIL, recipient_name=f"{LONG_WORD} {LONG_WORD}",
        recipient_user=person, claimed_at=timezone.now(), visibility=Assertion.Visibility.PUBLIC))
    path = reverse("wallet:badge_print", kwargs={"public_id": assertion.public_id})

    context = browser.new_context(locale="fr-FR", **PHONE)
    try:
        page = sign_in(context, live_server, "longue")
        page.goto(live_server.url + path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Je sais créer" in text and "en scannant le QR code" in text  # ("Vérifiez" comes with an fi ligature)
