"""The figures of the report page, its filters and its charts, checked against the
database by independent SQL."""

import html
import re

import pytest
from django.db import connection

from badges.models import Assertion
from tests.reports.conftest import PERIOD, issuer_url, network_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_page(client, activity):
    client.force_login(activity.people["network_admin"])

    def get(**params) -> str:
        response = client.get(network_url(activity.network), {**PERIOD, **params})
        assert response.status_code == 200
        return response.content.decode()

    return get


def table(page: str, key: str) -> list[list[str]]:
    """The rows of a section's table, as the reader sees them."""
    body = re.search(rf'data-section="{key}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell).strip())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def sql(query: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


NETWORK_PERIOD = """
    FROM badges_assertion a JOIN badges_badgeclass b ON b.id = a.badge_class_id
    WHERE b.issuer_id = ANY(%s)
      AND (a.issued_on AT TIME ZONE 'Europe/Paris')::date BETWEEN '2026-01-01' AND '2026-06-30'
"""


def test_the_network_figures_match_an_independent_count_in_the_database(network_page, activity):
    page = network_page()
    ids = [activity.vesoul.pk, activity.besancon.pk]
    issued, people = sql(f"SELECT COUNT(*), COUNT(DISTINCT a.recipient_email) {NETWORK_PERIOD}", [ids])[0]
    assert (issued, people) == (11, 7)
    assert f"<strong>{issued}</strong> badges délivrés" in page
    assert f"<strong>{people}</strong> bénéficiaires" in page
    by_issuer = dict(sql(f"SELECT b.issuer_id, COUNT(*) {NETWORK_PERIOD} GROUP BY 1", [ids]))
    rows = {row[0]: row for row in table(page, "structures")}
    assert rows["Médiathèque de Vesoul"][3] == str(by_issuer[activity.vesoul.pk])
    assert rows["France services Besançon"][3] == str(by_issuer[activity.besancon.pk])
    by_month = dict(sql(f"SELECT to_char(a.issued_on AT TIME ZONE 'Europe/Paris', 'MM') AS m, COUNT(*) "
                        f"{NETWORK_PERIOD} GROUP BY 1", [ids]))
    months = {row[0]: row[1] for row in table(page, "mois")}
    assert months["février 2026"] == str(by_month["02"])
    assert months["juin 2026"] == str(by_month["06"])
    assert months["mai 2026"] == "0"


def test_the_network_sums_its_issuers_side_by_side_and_counts_a_person_once(network_page):
    page = network_page()
    total = re.search(r"<tfoot><tr>(.*?)</tr></tfoot>", page, re.S).group(1)
    assert re.findall(r"<th[^>]*>(.*?)</th>", total)[:5] == ["Total (personnes distinctes)", "", "", "11", "7"]
    rows = {row[0]: row for row in table(page, "structures")}
    # a@ is counted by both structures (4 + 4) and once in the network (7).
    assert rows["Médiathèque de Vesoul"][4] == "4" and rows["France services Besançon"][4] == "4"
    assert "Structure hors réseau" not in page


def test_the_period_is_whole_local_days(network_page):
    page = network_page(du="2026-06-30", au="2026-06-30")
    # Issued at 23:30 in Paris on 30 June (21:30 UTC): inside; 00:30 on 1 July: outside.
    assert "<strong>1</strong> badges délivrés" in page


def test_new_and_returning_beneficiaries(network_page):
    rows = dict(row[:2] for row in table(network_page(), "synthese"))
    assert rows["Nouveaux bénéficiaires"] == "6"
    assert rows["Bénéficiaires déjà reconnus avant la période"] == "1"


def test_filters_by_badge_way_mediator_and_territory(network_page, activity):
    assert "<strong>3</strong> badges délivrés" in network_page(badge=str(activity.mail.public_id))
    assert "<strong>1</strong> badges délivrés" in network_page(mode="self")
    assert "<strong>4</strong> badges délivrés" in network_page(mediateur=activity.people["mediator"].pk)
    by_department = network_page(departement="25")
    assert "<strong>5</strong> badges délivrés" in by_department
    assert "<strong>5</strong> badges délivrés" in network_page(commune="25056")
    assert "<strong>6</strong> badges délivrés" in network_page(emetteur=str(activity.vesoul.public_id))


def test_the_pathway_filter_and_section(network_page, activity):
    page = network_page(parcours=str(activity.fundamentals.public_id))
    # The fundamentals' steps and key badge: 2 computer + 3 mail + 1 key.
    assert "<strong>6</strong> badges délivrés" in page
    rows = table(page, "parcours")
    assert rows == [["Fondamentaux", "Médiathèque de Vesoul", "2", "1", "26,0"]]
    assert ["Fondamentaux", "2", "Je sais envoyer un mail", "2"] in table(page, "etapes")


def test_time_based_steps_due_confirmed_and_late(network_page, activity):
    rows = table(network_page(parcours=str(activity.pepites.public_id)), "etapes_a_delai")
    # x@ entered on 1 January (step 2 due 31 January, confirmed; step 3 due 31 May, not confirmed);
    # y@ on 1 March (step 2 due 31 March, not confirmed). Long past: both unconfirmed are late.
    assert rows == [["PEPITES", "B.A.BA de l'entreprise", "30", "2", "1", "1"],
                    ["PEPITES", "Com'un gant", "150", "1", "0", "1"]]


def test_applications_and_their_median_time_to_a_decision(network_page):
    rows = dict(row[:2] for row in table(network_page(), "demandes"))
    assert rows == {"Demandes envoyées": "4", "Acceptées": "1", "Refusées": "1",
                    "Compléments de preuve demandés": "1", "En attente d'une décision": "1",
                    "Délai médian avant décision (jours)": "6,5"}


def test_claim_public_rates_and_endorsements(network_page):
    rows = dict(row[:2] for row in table(network_page(), "synthese"))
    assert rows["Taux de réception (%)"] == "27,3"
    assert rows["Taux de badges publics (%)"] == "18,2"
    assert rows["Recommandations reçues"] == "1"  # the withdrawn one does not count


def test_the_coop_thematiques_and_autonomy_levels(network_page):
    page = network_page()
    thematiques = {row[0]: row[2] for row in table(page, "thematiques")}
    assert thematiques == {"email": "3", "navigation_sur_internet": "3", "aide_aux_demarches_administratives": "2",
                           "prendre_en_main_du_materiel": "2"}
    assert {row[0]: row[2] for row in table(page, "autonomie")} == {"partiellement_autonome": "3", "autonome": "2"}


def test_every_chart_is_an_svg_without_script_or_inline_style(network_page):
    page = network_page()
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) >= 7
    assert all('class="report-chart"' in chart for chart in charts)
    assert "<script" not in page.split("</header>", 1)[1]
    assert not re.search(r"<style|\sstyle=", page)
    assert 'class="z70 departement map-element color-0' in page  # Haute-Saône is shaded on the map
    assert "/static/css/reports.css" in page


def test_a_wrong_filter_is_explained_in_french_and_the_rest_still_applies(network_page, activity):
    page = network_page(badge="not-a-badge", du="2026-13-45", mode="self")
    assert "Sélectionnez un choix valide" in page
    assert "Saisissez une date valide" in page
    assert "<strong>1</strong> badges délivrés" in page


def test_an_issuer_report_without_commune_says_how_to_get_the_map(client, activity):
    activity.vesoul.commune_insee = activity.vesoul.departement = ""
    activity.vesoul.save()
    client.force_login(activity.people["owner"])
    page = client.get(issuer_url(activity.vesoul), PERIOD).content.decode()
    assert "Renseignez la commune (code INSEE) des structures" in page
    assert Assertion.objects.exists()


def test_filters_that_match_no_structure_give_an_empty_report_and_exports(network_page, client, activity):
    params = {"emetteur": str(activity.vesoul.public_id), "departement": "25"}
    assert "<strong>0</strong> badges délivrés" in network_page(**params)
    for fmt in ("xlsx", "coop"):
        assert client.get(network_url(activity.network), {**PERIOD, **params, "format": fmt}).status_code == 200


def test_people_are_counted_exactly_even_when_two_addresses_share_a_hash(network_page, monkeypatch):
    from badges.reports import dialect

    people = dialect.people

    def colliding(column, *, hashed=False):
        # A "hash" that many addresses share (their length): the report must notice and count the addresses.
        return f"COUNT(DISTINCT length({column}))" if hashed else people(column)

    monkeypatch.setattr(dialect, "people", colliding)
    page = network_page()
    assert "<strong>7</strong> bénéficiaires" in page
    rows = {row[0]: row for row in table(page, "structures")}
    assert rows["Médiathèque de Vesoul"][4] == "4" and rows["France services Besançon"][4] == "4"
    assert {row[0]: row[3] for row in table(page, "thematiques")}["email"] == "3"
