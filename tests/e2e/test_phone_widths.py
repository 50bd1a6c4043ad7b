"""Nothing off-screen at 360 px: every page a beneficiary, an applicant, a mediator or a
reviewer meets, filled with 80-character unbroken addresses, links and file names, is
no wider than the phone (``document.documentElement.scrollWidth <= 360``)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from badgehub.demo import badge_png
from badges.issuing import assertion_finalise
from badges.models import Application, Assertion, Evidence, WalletProfile
from badges.services import batch_create
from badges.services.desk import desk_award_create
from tests.e2e.conftest import PHONE
from tests.factories import AssertionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_EMAIL = "prenom.nom.avec.une.adresse.tres.longue.sans.aucune.coupure.possible" + "@example.org"
LONG_URL = "https://example.org/" + "portfolio-de-la-beneficiaire-avec-un-chemin-tres-long-a"
LONG_FILE = "capture-ecran-du-premier-mail-envoye-seule-a-la-conseillere-le-3-decembre-v2.png"
LONG_WORD = "Observation" + "x" * 69
assert len(LONG_EMAIL) == 80 and len(LONG_FILE) == 80 and len(LONG_URL) >= 75 and len(LONG_WORD) == 80

WIDTH = "() => document.documentElement.scrollWidth"


def sign_in(context, live_server, username: str):
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_url(lambda url: "/connexion/" not in url)
    return page


def widths(page, live_server, paths: list[str]) -> dict[str, int]:
    """The paths whose page is wider than the phone, with their width."""
    too_wide = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: {response.status}"
        width = page.evaluate(WIDTH)
        if width > 360:
            too_wide[path] = width
    return too_wide


@pytest.fixture
def world(badge_class, requestable, issuer, owner, mediator, reviewer, settings, live_server):
    settings.SITE_URL = live_server.url
    person = UserFactory(username="longue", email=LONG_EMAIL, first_name=LONG_WORD)
    assertion = AssertionFactory(badge_class=badge_class, recipient_email=LONG_EMAIL, recipient_name=LONG_WORD,
                                 narrative=f"{LONG_WORD} {LONG_URL}", recipient_user=person,
                                 claimed_at=timezone.now(), visibility=Assertion.Visibility.PUBLIC, issued_by=mediator)
    evidence = Evidence(assertion=assertion, url=LONG_URL, name=LONG_WORD, file_name=LONG_FILE)
    evidence.file.save("capture.png", ContentFile(badge_png("C", "#0b5cad")), save=True)
    assertion = assertion_finalise(assertion=assertion)
    unclaimed = AssertionFactory(badge_class=badge_class, recipient_email="autre." + LONG_EMAIL[6:],
                                 recipient_name=LONG_WORD)
    WalletProfile.objects.create(user=person, slug="une-page-publique-au-nom-tres-long-pour-voir-si-elle-tient",
                                 public=True, display_name=LONG_WORD, headline=LONG_URL)
    application = Application.objects.create(badge_class=requestable, applicant_email=LONG_EMAIL,
                                             applicant_name=LONG_WORD, answers={"Quel mail ?": LONG_URL},
                                             status=Application.Status.SUBMITTED, submitted_at=timezone.now())
    piece = Evidence(application=application, url=LONG_URL, file_name=LONG_FILE)
    piece.file.save("capture.png", ContentFile(badge_png("C", "#0b5cad")), save=True)
    csv = ("nom;e-mail;lien de la preuve\n"
           f"{LONG_WORD};{LONG_EMAIL};{LONG_URL}\n{LONG_WORD};{LONG_EMAIL[:-4]};{LONG_URL}\n").encode()
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=csv, source_name=LONG_FILE[:-4] + ".csv")
    award, _code = desk_award_create(badge_class=badge_class, recipient_name=LONG_WORD, issued_by=mediator)
    return {"assertion": assertion, "unclaimed": unclaimed, "application": application, "batch": batch,
            "award": award, "issuer": issuer}


def test_no_page_is_wider_than_a_phone_with_long_addresses_and_file_names(browser, live_server, world):
    assertion, application, issuer = world["assertion"], world["application"], world["issuer"]
    badge_class = assertion.badge_class
    too_wide = {}

    visitor = browser.new_context(locale="fr-FR", **PHONE)
    try:
        page = visitor.new_page()
        too_wide |= widths(page, live_server, [
            reverse("badges:claim", kwargs={"token": world["unclaimed"].claim_token}),
            assertion.get_absolute_url(),
            reverse("badges:class_detail", kwargs={"public_id": badge_class.public_id}),
            reverse("wallet:profile", kwargs={"slug": "une-page-publique-au-nom-tres-long-pour-voir-si-elle-tient"}),
            reverse("badges:verify") + "?url=" + LONG_URL,
            reverse("partner:request", kwargs={"public_id": application.badge_class.public_id}),
            reverse("partner:application_edit", kwargs={"token": application.access_token}),
            reverse("badges:desk_code"),
            reverse("badges:desk_claim", kwargs={"token": world["award"].token}),
        ])
    finally:
        visitor.close()

    for username, paths in {
        "longue": [
            reverse("wallet:home"),
            reverse("wallet:badge", kwargs={"public_id": assertion.public_id}),
            reverse("wallet:badge_print", kwargs={"public_id": assertion.public_id}),
            reverse("wallet:profile_edit"),
            reverse("wallet:my_data"),
            reverse("wallet:import"),
            reverse("accounts:emails"),
        ],
        "mediator": [
            reverse("partner:home"),
            reverse("partner:issue", kwargs={"public_id": badge_class.public_id}),
            reverse("partner:batch_new", kwargs={"public_id": badge_class.public_id}),
            reverse("partner:batch_detail", kwargs={"public_id": world["batch"].public_id}),
            reverse("partner:desk_new", kwargs={"public_id": badge_class.public_id}),
            reverse("partner:desk_award", kwargs={"public_id": world["award"].public_id}),
        ],
        "reviewer": [
            reverse("partner:review_queue"),
            reverse("partner:review", kwargs={"public_id": application.public_id}),
        ],
        "owner": [
            reverse("partner:assertions", kwargs={"issuer_id": issuer.public_id}),
            reverse("partner:applications", kwargs={"issuer_id": issuer.public_id}),
            reverse("partner:emails", kwargs={"issuer_id": issuer.public_id}),
        ],
    }.items():
        context = browser.new_context(locale="fr-FR", **PHONE)
        try:
            page = sign_in(context, live_server, username)
            if username == "mediator":
                # The preview of the partner form, with one long address.
                page.goto(live_server.url + reverse("partner:issue", kwargs={"public_id": badge_class.public_id}))
                page.get_by_label("Bénéficiaire(s)").fill(f"{LONG_WORD} <{LONG_EMAIL}>")
                page.get_by_label("Observation :", exact=True).fill(f"{LONG_WORD} {LONG_URL}")
                page.get_by_role("button", name="Voir l'aperçu").click()
                expect(page.get_by_role("heading", name="Vérifiez avant de délivrer")).to_be_visible()
                if page.evaluate(WIDTH) > 360:
                    too_wide["preview"] = page.evaluate(WIDTH)
            too_wide |= widths(page, live_server, paths)
        finally:
            context.close()
    assert too_wide == {}, f"pages wider than 360 px: {too_wide}"
