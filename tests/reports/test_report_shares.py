"""Shared badges in the reports: opens of the public page from a shared link, per source,
for the filters in force, on the page and in the exports; checked against the database."""

import io
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from badges.models import Assertion, ShareOpen
from tests.reports.conftest import PERIOD, issuer_url, network_url
from tests.reports.test_report_page import table

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def opened(activity):
    """Opens counted in the period for three badges of the network, one before it, and one
    of the structure outside the network."""
    vesoul = Assertion.objects.filter(badge_class__issuer=activity.vesoul, recipient_email="a@example.org")
    computer, mail = vesoul.get(badge_class=activity.computer), vesoul.get(badge_class=activity.mail)
    accounts = Assertion.objects.get(badge_class=activity.accounts, recipient_email="c@example.org")
    hidden = Assertion.objects.get(badge_class__issuer=activity.elsewhere)
    for assertion, day, source, count in [
        (computer, date(2026, 2, 1), "linkedin", 3), (computer, date(2026, 2, 2), "linkedin", 2),
        (computer, date(2026, 3, 1), "qr", 1), (mail, date(2026, 4, 1), "lien", 4),
        (accounts, date(2026, 6, 30), "qr", 2), (accounts, date(2025, 12, 31), "qr", 50),
        (hidden, date(2026, 2, 1), "linkedin", 9),
    ]:
        ShareOpen.objects.create(assertion=assertion, day=day, source=source, opens=count)
    return activity


def page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, {**PERIOD, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_network_report_shows_opens_by_source_as_the_database_counts_them(client, opened):
    text = page(client, opened.people["network_admin"], network_url(opened.network))
    rows = {row[0]: row[1:] for row in table(text, "partages")}
    in_network = ShareOpen.objects.filter(assertion__badge_class__issuer__in=[opened.vesoul, opened.besancon],
                                          day__range=(date(2026, 1, 1), date(2026, 6, 30)))
    for source, label in ShareOpen.Source.choices:
        mine = in_network.filter(source=source)
        expected = [str(mine.aggregate(n=Sum("opens"))["n"] or 0), str(mine.values("assertion").distinct().count())]
        assert rows[str(label)] == expected
    assert rows["LinkedIn"] == ["5", "1"] and rows["QR code"] == ["3", "2"] and rows["lien copié"] == ["4", "1"]
    synthese = dict(row[:2] for row in table(text, "synthese"))
    assert synthese["Badges partagés (ouverts depuis un lien partagé)"] == "3"
    assert synthese["Ouvertures depuis un lien partagé"] == "12"
    assert "<strong>3</strong> badges partagés et ouverts" in text


def test_the_shares_follow_the_filters(client, opened):
    admin = opened.people["network_admin"]
    besancon = page(client, admin, network_url(opened.network), departement="25")
    assert dict(row[:2] for row in table(besancon, "synthese"))["Ouvertures depuis un lien partagé"] == "2"
    mail = page(client, admin, network_url(opened.network), badge=str(opened.mail.public_id))
    assert {row[0]: row[1] for row in table(mail, "partages")} == {"LinkedIn": "0", "QR code": "0",
                                                                   "lien copié": "4"}
    march = page(client, admin, network_url(opened.network), du="2026-03-01", au="2026-03-31")
    assert dict(row[:2] for row in table(march, "synthese"))["Ouvertures depuis un lien partagé"] == "1"


def test_a_mediator_sees_the_shares_of_the_badges_they_issued_only(client, opened):
    text = page(client, opened.people["mediator"], issuer_url(opened.vesoul))
    # Camille issued a@'s computer and mail badges: 5 + 1 + 4 opens.
    assert dict(row[:2] for row in table(text, "synthese"))["Ouvertures depuis un lien partagé"] == "10"


def test_the_csv_and_the_xlsx_hold_the_shares(client, opened):
    client.force_login(opened.people["network_admin"])
    csv = client.get(network_url(opened.network), {**PERIOD, "format": "csv"}).content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert "Badges partagés" in lines and "LinkedIn;5;1" in lines and "Total (badges distincts);12;3" in lines
    book = load_workbook(io.BytesIO(client.get(network_url(opened.network), {**PERIOD, "format": "xlsx"}).content))
    assert list(book["Badges partagés"].values) == [
        ("Partagé par", "Ouvertures", "Badges ouverts"), ("LinkedIn", 5, 1), ("QR code", 3, 2), ("lien copié", 4, 1),
        ("Total (badges distincts)", 12, 3)]


def test_opening_a_shared_link_shows_in_the_report_of_today(client, activity):
    badge = Assertion.objects.get(badge_class=activity.accounts, recipient_email="c@example.org")
    link = reverse("badges:share_open", kwargs={"public_id": badge.public_id, "source": "qr"})
    assert client.get(link, HTTP_USER_AGENT=BROWSER).status_code == 302
    assert client.get(link, HTTP_USER_AGENT=BROWSER).status_code == 302  # a reload: not counted again
    today = timezone.localdate()
    text = page(client, activity.people["admin"], issuer_url(activity.besancon),
                du=str(today - timedelta(days=1)), au=str(today))
    assert {row[0]: row[1:] for row in table(text, "partages")}["QR code"] == ["1", "1"]
