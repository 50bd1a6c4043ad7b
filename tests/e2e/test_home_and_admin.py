import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_and_opens_a_network(page):
    call_command("loaddemo")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Reconnaître les compétences de chacun avec des Open Badges")
    page.get_by_role("link", name="Réseau OpenJob — Haute-Saône numérique").click()
    expect(page.get_by_role("heading", name="Badges")).to_be_visible()
    expect(page.get_by_role("link", name="Pré-requis fondamentaux")).to_be_visible()


def test_the_network_admin_logs_into_the_admin_and_sees_the_pathways(page):
    call_command("loaddemo")
    page.goto("/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-admin-2026")
    page.get_by_role("button").filter(has_text="Connexion").click()
    page.wait_for_url("**/admin/")  # signed in before leaving the page
    page.goto("/admin/pathways/pathway/")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    expect(page.locator("#result_list")).to_contain_text("Pré-requis fondamentaux")
