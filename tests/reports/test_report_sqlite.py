"""The embedded default (SQLite, what the README's first command runs) gives the real
report: the same activity, built in a subprocess on its own SQLite file, shows the same
figures in every section, export and filter as on PostgreSQL."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.helpers import run_on_embedded_default
from tests.reports.conftest import PERIOD, issuer_url, network_url

pytestmark = pytest.mark.django_db
SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
call_command("migrate", verbosity=0)
assert connection.vendor == "sqlite"
from tests.reports.conftest import activity_build
from tests.reports.test_report_sqlite import everything_shown
print("REPORT " + json.dumps(everything_shown(Client(), activity_build())))
"""


def everything_shown(client, activity) -> dict:
    """What a reader gets from the report under each filter: the CSV of every section (the
    page's own tables), the XLSX cells, the Coop export and what the page draws."""
    def get(url, **params):
        response = client.get(url, {**PERIOD, **params})
        assert response.status_code == 200, (url, params, response.status_code)
        return response

    client.force_login(activity.people["network_admin"])
    url = network_url(activity.network)
    filters = {
        "none": {}, "badge": {"badge": str(activity.mail.public_id)},
        "pathway": {"parcours": str(activity.fundamentals.public_id)},
        "time steps": {"parcours": str(activity.pepites.public_id)}, "way": {"mode": "self"},
        "mediator": {"mediateur": str(activity.people["mediator"].pk)}, "departement": {"departement": "25"},
        "commune": {"commune": "70550"}, "issuer": {"emetteur": str(activity.vesoul.public_id)},
        "one day": {"du": "2026-06-30", "au": "2026-06-30"},
        "nothing": {"emetteur": str(activity.vesoul.public_id), "departement": "25"},
    }
    shown = {name: get(url, **params, format="csv").content.decode() for name, params in filters.items()}
    shown["coop"] = get(url, format="coop").content.decode()
    book = load_workbook(io.BytesIO(get(url, format="xlsx").content))
    shown["xlsx"] = {sheet.title: [[str(value) for value in row] for row in sheet.values] for sheet in book}
    page = get(url).content.decode()
    shown["charts"] = len(re.findall(r'<svg[^>]*class="report-chart"', page))
    shown["map"] = 'class="z70 departement map-element' in page
    headline = re.findall(r"<strong>(\d+)</strong> (badges délivrés|bénéficiaires)", page)
    shown["headline"] = [" ".join(found) for found in headline]
    client.force_login(activity.people["mediator"])  # a mediator's own activity
    shown["own activity"] = get(issuer_url(activity.vesoul), format="csv").content.decode()
    return shown


@pytest.fixture
def on_sqlite(tmp_path) -> dict:
    stdout = run_on_embedded_default(SCRIPT, tmp_path, timeout=300)
    line = next(line for line in stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT "))


def test_the_embedded_sqlite_default_shows_the_same_report_as_postgresql(on_sqlite, client, activity):
    assert on_sqlite["headline"] == ["11 badges délivrés", "7 bénéficiaires"]
    assert on_sqlite["charts"] >= 7 and on_sqlite["map"]
    assert "Délai médian avant décision (jours);6,5" in on_sqlite["none"]
    assert "Fondamentaux;Médiathèque de Vesoul;2;1;26,0" in on_sqlite["pathway"]
    assert "PEPITES;B.A.BA de l'entreprise;30;2;1;1" in on_sqlite["time steps"]
    assert "Badges délivrés;1\r\n" in on_sqlite["one day"]
    on_postgresql = everything_shown(client, activity)
    for name, shown in on_postgresql.items():
        assert on_sqlite[name] == shown, name
