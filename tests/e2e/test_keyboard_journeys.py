"""The claim and the partner form, with the keyboard only (no click, no tap): every control
is reachable with Tab and works with Enter or Space, and focus is visible where it lands."""

import pytest
from playwright.sync_api import expect

from badges.issuing import assertion_finalise
from badges.models import Assertion
from tests.factories import AssertionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def tab_to(page, target, *, limit: int = 60) -> None:
    """Press Tab until ``target`` (a CSS selector or a locator) has the focus; fails if it never does."""
    locator = page.locator(target) if isinstance(target, str) else target
    expect(locator).to_be_visible()  # the page that holds it has arrived
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("(element) => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with the Tab key on {page.url}")


def test_a_newcomer_claims_a_badge_and_makes_it_public_with_the_keyboard_only(page, badge_class, settings,
                                                                             live_server):
    settings.SITE_URL = live_server.url
    award = assertion_finalise(assertion=AssertionFactory(badge_class=badge_class, recipient_email="lea@example.org",
                                                          recipient_name="Léa"))
    page.goto(f"/badges/claim/{award.claim_token}/")
    tab_to(page, "input[name=name]")
    page.keyboard.type("Léa Martin")
    tab_to(page, "input[name=password]")
    page.keyboard.type("un-long-mot-de-passe")
    tab_to(page, page.get_by_role("button", name="Ajouter à mon passeport"))
    page.keyboard.press("Enter")
    # Creating the account hashes the password: slow on a loaded machine, hence the wait.
    expect(page.get_by_text("Votre compte est créé et le badge est dans votre passeport.")).to_be_visible(
        timeout=20_000)

    tab_to(page, page.get_by_role("button", name="Rendre public"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre badge est public")).to_be_visible()
    award.refresh_from_db()
    assert award.visibility == Assertion.Visibility.PUBLIC and award.claimed_at is not None


def test_a_mediator_issues_a_badge_with_the_keyboard_only(page, mediator, badge_class):
    page.goto("/compte/connexion/?next=/partenaire/")
    tab_to(page, "#id_username")
    page.keyboard.type("mediator")
    tab_to(page, "#id_password")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Espace partenaire")).to_be_visible()

    tab_to(page, page.get_by_role("link", name=badge_class.name))
    page.keyboard.press("Enter")
    tab_to(page, "[name=recipients]")
    page.keyboard.type("Sam Martin <sam@example.org>")
    tab_to(page, "textarea[name=narrative]")
    page.keyboard.type("A allumé l'ordinateur et ouvert une session seul.")
    tab_to(page, page.get_by_role("button", name="Voir l'aperçu"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Vérifiez avant de délivrer")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Délivrer le badge"))
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_contain_text("délivré à Sam Martin")
    assertion = Assertion.objects.get()
    assert assertion.recipient_email == "sam@example.org" and assertion.issued_by == mediator
