"""The beneficiary's journey on a phone (360 px): claim with account creation, make the badge
public, open the public link in a fresh browser, download the baked PNG and check it verifies."""

import pytest
from playwright.sync_api import expect

from badges.issuing import assertion_finalise
from badges.models import Assertion, ShareOpen
from badges.verification import verify_badge
from tests.factories import AssertionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What every page of the journey must satisfy: a language, one h1, text alternatives on
# images, a label on every field and button, nothing wider than the phone.
A11Y_AUDIT = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("html without lang");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1`);
  document.querySelectorAll("img").forEach(img => {
    if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
  });
  document.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(field => {
    const labelled = (field.id && document.querySelector(`label[for="${field.id}"]`))
      || field.closest("label") || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!labelled) problems.push(`field without label: ${field.name}`);
  });
  document.querySelectorAll("button, a[href]").forEach(el => {
    const name = (el.textContent || "").trim() || el.getAttribute("aria-label")
      || el.querySelector("img[alt]:not([alt=''])");
    if (!name) problems.push(`control without a name: ${el.outerHTML.slice(0, 80)}`);
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page wider than the screen: ${document.documentElement.scrollWidth}px`);
  return problems;
}"""


def audit(page) -> None:
    problems = page.evaluate(A11Y_AUDIT)
    assert problems == [], f"{page.url}: {problems}"


@pytest.fixture
def baked_award(badge_class, settings, live_server):
    settings.SITE_URL = live_server.url
    assertion = AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org", recipient_name="Léa")
    return assertion_finalise(assertion=assertion)


def test_a_newcomer_claims_shares_and_downloads_a_badge_on_a_phone(phone, browser, live_server, baked_award):
    phone.goto(f"/badges/claim/{baked_award.claim_token}/")
    expect(phone.locator("h1")).to_have_text("Je sais utiliser un ordinateur")
    audit(phone)
    phone.get_by_label("Votre nom").fill("Léa Martin")
    phone.get_by_label("Choisissez un mot de passe").fill("un-long-mot-de-passe")
    phone.get_by_role("button", name="Ajouter à mon passeport").click()

    expect(phone.get_by_text("Votre compte est créé et le badge est dans votre passeport.")).to_be_visible()
    audit(phone)
    phone.get_by_role("button", name="Rendre public").click()
    expect(phone.get_by_text("Votre badge est public")).to_be_visible()
    baked_award.refresh_from_db()
    assert baked_award.visibility == Assertion.Visibility.PUBLIC

    public_link = phone.get_by_label("Lien de mon badge").input_value()
    # The shared link leads to the badge's page and counts the open for the reports.
    assert public_link == f"{live_server.url}/badges/partage/{baked_award.public_id}/lien/"
    # A phone's browser (headless Chromium says so in its user agent, and is not counted).
    stranger = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, user_agent=(
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"))
    try:
        recruiter = stranger.new_page()
        recruiter.goto(public_link)
        expect(recruiter.get_by_text("Ce badge est valide.")).to_be_visible()
        assert recruiter.url == live_server.url + baked_award.get_absolute_url()
        assert ShareOpen.objects.get(assertion=baked_award).source == ShareOpen.Source.LINK
        assert "Léa" in recruiter.content()
        audit(recruiter)
    finally:
        stranger.close()

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Image du badge (PNG)").click()
    download = download_info.value
    assert download.suggested_filename == "je-sais-utiliser-un-ordinateur.png"
    with open(download.path(), "rb") as handle:
        report = verify_badge(handle.read(), expected_email="lea@example.org")
    assert report.valid, [c for c in report.checks if not c.ok]
    assert report.recipient_match is True

    phone.goto("/passeport/")
    expect(phone.get_by_role("link", name="Je sais utiliser un ordinateur")).to_be_visible()
    audit(phone)


def test_the_account_and_wallet_pages_pass_the_audit_on_a_phone(phone, beneficiary, held_public):
    for path in ("/compte/connexion/", "/compte/inscription/", "/compte/lien/"):
        phone.goto(path)
        audit(phone)
    phone.goto("/compte/connexion/")
    phone.get_by_label("Adresse e-mail ou identifiant").fill("sam@example.org")
    phone.get_by_label("Mot de passe").fill("correct-horse-battery")
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url("**/passeport/")  # signed in: a beneficiary lands on the wallet
    for path in ("/passeport/", f"/passeport/badges/{held_public.public_id}/",
                 f"/passeport/badges/{held_public.public_id}/imprimer/", "/passeport/ma-page/",
                 "/passeport/mes-donnees/", "/passeport/importer/", "/compte/adresses/",
                 held_public.get_absolute_url(), held_public.badge_class.get_absolute_url(),
                 held_public.badge_class.issuer.get_absolute_url()):
        phone.goto(path)
        audit(phone)
    phone.goto("/passeport/ma-page/")
    phone.get_by_label("Ma page est publique").check()
    phone.get_by_label("Adresse de ma page").fill("sam-martin")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre page est enregistrée.")
    phone.goto("/passeport/p/sam-martin/")
    expect(phone.get_by_role("link", name="Je sais utiliser un ordinateur")).to_be_visible()
    audit(phone)


@pytest.fixture
def held_public(badge_class, beneficiary):
    return AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_user=beneficiary,
                            visibility=Assertion.Visibility.PUBLIC)
