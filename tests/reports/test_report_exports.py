"""The exports hold exactly what the page shows, for the same filters: CSV (formula-safe),
XLSX opened with openpyxl, and the Coop's anonymised figures."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from badges.models import Assertion
from badges.reports.exports import COOP_COLUMNS
from tests.reports.conftest import PERIOD, at, network_url
from tests.reports.test_report_page import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def download(client, activity):
    client.force_login(activity.people["network_admin"])

    def get(fmt: str, **params):
        response = client.get(network_url(activity.network), {**PERIOD, **params, "format": fmt})
        assert response.status_code == 200
        return response

    return get


def test_the_xlsx_has_one_sheet_per_section_with_french_headers_and_typed_cells(download):
    response = download("xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["Filtres", "Synthèse", "Badges délivrés par mois", "Par badge"]
    assert "Étapes à délai (IAE)" in book.sheetnames and "Demandes de badge" in book.sheetnames
    months = list(book["Badges délivrés par mois"].values)
    assert months[0] == ("Mois", "Badges délivrés", "Bénéficiaires")
    assert months[2] == (datetime(2026, 2, 1), 4, 3)  # a real date and real numbers
    synthese = dict(list(book["Synthèse"].values)[1:])
    assert synthese["Badges délivrés"] == 11 and synthese["Taux de réception (%)"] == 27.3
    structures = list(book["Par structure"].values)
    assert structures[-1][:5] == ("Total (personnes distinctes)", None, None, 11, 7)


def test_the_xlsx_and_the_page_show_the_same_rows_for_the_same_filters(client, download, activity):
    params = {"departement": "70"}
    page = client.get(network_url(activity.network), {**PERIOD, **params}).content.decode()
    book = load_workbook(io.BytesIO(download("xlsx", **params).content))
    sheet = [[str(value) for value in row] for row in list(book["Par badge"].values)[1:]]
    assert sheet == table(page, "badges")
    assert not any("Besançon" in row[1] for row in sheet)
    filters = dict(list(book["Filtres"].values)[1:])
    assert filters["Département"] == "70"


def test_a_name_starting_like_a_formula_stays_text_in_the_csv_and_the_xlsx(download):
    lines = download("csv").content.decode("utf-8-sig").splitlines()
    assert "'=Je sais créer mes comptes;France services Besançon;2;2" in lines
    book = load_workbook(io.BytesIO(download("xlsx").content))
    names = [row[0] for row in book["Par badge"].values]
    assert "'=Je sais créer mes comptes" in names
    assert all(cell.data_type != "f" for row in book["Par badge"].iter_rows() for cell in row)


def test_the_csv_holds_every_section_of_the_page(download):
    text = download("csv").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[:2] == ["Bilan d'activité;Réseau Bourgogne-Franche-Comté", "Période;01/01/2026 – 30/06/2026"]
    for title in ("Synthèse", "Badges délivrés par mois", "Par médiateur et structure partenaire", "Parcours",
                  "Étapes à délai (IAE)", "Demandes de badge", "Thématiques de la Coop de la médiation numérique",
                  "Niveau d'autonomie reconnu (Coop)"):
        assert title in lines
    assert "2026-02;4;3" in lines
    assert "Délai médian avant décision (jours);6,5" in lines


def test_the_coop_export_is_aggregated_in_the_coops_field_names_and_codes(download):
    response = download("coop")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == COOP_COLUMNS
    email = [row for row in rows if row["thematique"] == "email"]
    assert len(email) == 3  # February, April, June
    assert {row["autonomie"] for row in email} == {"partiellement_autonome"}
    assert {row["lieu_code_insee"] for row in rows} == {"70550", "25056"}
    assert {row["structure_code_departement"] for row in rows} == {"70", "25"}
    assert {row["date"] for row in rows} <= {f"2026-{m:02}-01" for m in range(1, 7)}
    text = response.content.decode()
    assert "@" not in text and "Camille" not in text and "Médiathèque" not in text  # no personal data


def test_the_coop_export_gives_no_figure_for_a_line_about_fewer_than_five_people(download, activity):
    """Statistical secrecy: the file leaves the network; a month, a commune and a thématique
    with a handful of people could point at one of them."""
    march = at("2026-03-20")
    for n in range(5):
        Assertion.objects.create(badge_class=activity.mail, recipient_email=f"groupe{n}@example.org",
                                 issued_on=march, issued_by=activity.people["mediator"])
    Assertion.objects.create(badge_class=activity.mail, recipient_email="groupe0@example.org", issued_on=march,
                             issued_by=activity.people["mediator"])
    rows = list(csv.DictReader(io.StringIO(download("coop").content.decode())))
    march_email = [row for row in rows if row["thematique"] == "email" and row["date"] == "2026-03-01"]
    assert [(row["badges_delivres"], row["beneficiaires"]) for row in march_email] == [("6", "5")]
    small = [row for row in rows if row["date"] == "2026-02-01" and row["thematique"] == "email"]
    assert [(row["badges_delivres"], row["beneficiaires"]) for row in small] == [("", "< 5")]
    assert all(row["beneficiaires"] == "< 5" or int(row["beneficiaires"]) >= 5 for row in rows)


def test_the_report_page_says_how_the_coop_export_keeps_small_counts_secret(client, activity):
    client.force_login(activity.people["network_admin"])
    page = client.get(network_url(activity.network), PERIOD).content.decode()
    assert "moins de 5 personnes" in page
