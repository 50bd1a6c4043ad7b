import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_and_opens_a_network(page):
    call_command("loaddemo")
    page.goto("/")
    assert page.locator("h1").inner_text() == "Reconnaître les compétences de chacun avec des Open Badges"
    page.get_by_role("link", name="Réseau OpenJob — Haute-Saône numérique").click()
    assert page.get_by_role("heading", name="Badges").is_visible()
    assert page.get_by_role("link", name="Pré-requis fondamentaux").is_visible()


def test_the_network_admin_logs_into_the_admin_and_sees_the_pathways(page):
    call_command("loaddemo")
    page.goto("/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-admin-2026")
    page.get_by_role("button").filter(has_text="Connexion").click()
    page.goto("/admin/pathways/pathway/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 5
    assert "Pré-requis fondamentaux" in page.locator("#result_list").inner_text()
