"""Under the Content-Security-Policy the behaviours moved out of inline code still work,
and the Django admin's change forms (autocomplete, inlines) run without a violation.
The ``csp_violations`` fixture (conftest) fails any browser test on a violation."""

import pytest
from playwright.sync_api import expect

from badges.models import Assertion
from issuers.audit.models import AuditEvent
from issuers.models import Membership
from tests.factories import AssertionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, next_path: str = "/passeport/") -> None:
    page.goto(f"/compte/connexion/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_url(f"**{next_path}")


def test_the_watcher_reports_an_inline_script_the_policy_blocks(page, csp_violations):
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "document.body.dataset.ran = 'yes'"; document.body.append(s); }""")
    assert page.evaluate("() => document.body.dataset.ran") is None
    # The violation arrives asynchronously: wait for it rather than sleep.
    for _ in range(50):
        if csp_violations:
            break
        page.evaluate("() => new Promise(r => setTimeout(r, 20))")
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()


def test_the_language_menu_switches_the_page_without_an_inline_handler(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Langue").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_share_controls_select_copy_and_print_under_the_policy(browser, live_server, settings, badge_class,
                                                                   beneficiary):
    settings.SITE_URL = live_server.url
    held = AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_user=beneficiary,
                            visibility=Assertion.Visibility.PUBLIC)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, "beneficiary")
        page.goto(f"/passeport/badges/{held.public_id}/")
        link = page.get_by_label("Lien de mon badge")
        link.click()
        assert page.evaluate("() => window.getSelection().toString() || document.activeElement.selectionEnd") \
            not in ("", 0)
        page.get_by_role("button", name="Copier le lien").click()
        expect(page.get_by_text("Lien copié")).to_be_visible()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == f"{live_server.url}/badges/partage/{held.public_id}/lien/"

        page.get_by_role("link", name="Page à imprimer pour mon CV").click()
        page.evaluate("() => { window.print = () => { document.body.dataset.printed = 'yes'; }; }")
        page.get_by_role("button", name="Imprimer").click()
        expect(page.locator("body")).to_have_attribute("data-printed", "yes")
        # The sheet is styled by its stylesheet (the inline <style> is gone).
        assert page.evaluate("() => getComputedStyle(document.querySelector('.sheet')).display") == "flex"
    finally:
        context.close()


def test_the_network_admin_edits_an_issuer_with_its_inlines_and_autocomplete(page, issuer, owner):
    UserFactory(username="network-admin", is_staff=True, is_superuser=True)
    UserFactory(username="camille-new", first_name="Camille")
    page.goto("/admin/")
    page.fill("#id_username", "network-admin")
    page.fill("#id_password", "correct-horse-battery")
    page.locator("input[type=submit]").click()
    page.goto(f"/admin/issuers/issuer/{issuer.pk}/change/")
    # Inline rows are added by the admin's JavaScript.
    page.locator("#memberships-group .add-row a").click()
    row = page.locator("#memberships-group tr.form-row.dynamic-memberships").last
    expect(row).to_be_visible()
    # The user field is a select2 autocomplete fed by the admin's JSON view.
    row.locator(".select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("camille")
    page.locator(".select2-results__option", has_text="camille-new").click()
    row.locator("select[name$='-role']").select_option("mediator")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("modifié")
    assert Membership.objects.filter(issuer=issuer, user__username="camille-new", role="mediator").exists()
    # The inline goes through the service: the role given is in the issuer's audit log.
    assert AuditEvent.objects.filter(issuer=issuer, action=AuditEvent.Action.MEMBERSHIP_ADDED,
                                     actor__username="network-admin", details__role="mediator").exists()

    # A badge class change form: autocompletes, fieldsets, the alignment inline.
    page.goto("/admin/badges/badgeclass/add/")
    page.locator("#id_issuer").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Réseau")
    expect(page.locator(".select2-results__option", has_text=issuer.name)).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#alignments-group .add-row a").click()
    expect(page.locator("#alignments-group tr.dynamic-alignments")).to_have_count(1)
