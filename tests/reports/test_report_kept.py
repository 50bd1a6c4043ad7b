"""A report is counted once per filter set and kept; whatever it counts that changes
(a badge issued, in bulk too, revoked, claimed, shared; an application; an enrolment)
shows at the next opening."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges.models import Application, Assertion
from badges.services.issuing import IssueRow, assertion_issue, assertion_revoke, assertions_issue_bulk
from badges.services.shares import share_open_count
from badges.services.wallet import assertion_claim
from pathways.models import Enrolment
from tests.reports.conftest import PERIOD, UserFactory, at, network_url
from tests.reports.test_report_page import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthese(client, activity):
    client.force_login(activity.people["network_admin"])

    def get(**params) -> dict[str, str]:
        response = client.get(network_url(activity.network), {**PERIOD, **params})
        assert response.status_code == 200
        return dict(row[:2] for row in table(response.content.decode(), "synthese"))

    return get


def report_queries(client, activity) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        client.get(network_url(activity.network), PERIOD)
    return [query["sql"] for query in captured.captured_queries]


def test_the_second_opening_reads_the_kept_figures_and_shows_the_same(client, activity, synthese):
    first = synthese()
    again = report_queries(client, activity)
    assert not any("GROUPING SETS" in sql for sql in again), "the figures were counted again"
    assert synthese() == first and first["Badges délivrés"] == "11"


def test_a_badge_issued_shows_at_the_next_opening(synthese, activity):
    assert synthese()["Badges délivrés"] == "11"
    assertion_issue(badge_class=activity.computer, recipient_email="new@example.org", issued_on=at("2026-05-05"),
                    issued_by=activity.people["mediator"])
    figures = synthese()
    assert figures["Badges délivrés"] == "12" and figures["Nouveaux bénéficiaires"] == "7"


def test_a_bulk_issue_shows_at_the_next_opening(synthese, activity, django_capture_on_commit_callbacks):
    synthese()
    with django_capture_on_commit_callbacks(execute=True):
        assertions_issue_bulk(badge_class=activity.computer, issued_by=activity.people["mediator"], notify=False,
                              rows=[IssueRow(recipient_email=f"group{n}@example.org", issued_on=at("2026-05-05"))
                                    for n in range(3)])
    assert synthese()["Badges délivrés"] == "14"


def test_a_revocation_a_claim_and_a_share_show_at_the_next_opening(synthese, activity):
    before = synthese()
    assert before["Badges révoqués"] == "1" and before["Badges reçus dans un passeport"] == "3"
    badge = Assertion.objects.get(badge_class=activity.computer, recipient_email="b@example.org")
    assertion_revoke(assertion=badge, reason="Délivré par erreur.")
    assert synthese()["Badges révoqués"] == "2"
    late = Assertion.objects.get(recipient_email="late@example.org")
    assertion_claim(assertion=late, user=UserFactory(username="late"))
    assert synthese()["Badges reçus dans un passeport"] == "4"
    assert synthese(au="2026-12-31")["Ouvertures depuis un lien partagé"] == "0"
    assert share_open_count(assertion=late, source="qr")
    assert synthese(au="2026-12-31")["Ouvertures depuis un lien partagé"] == "1"


def test_an_application_and_an_enrolment_show_at_the_next_opening(client, activity, synthese):
    synthese()
    Application.objects.create(badge_class=activity.mail, applicant_email="new@example.org", applicant_name="Noé",
                               status=Application.Status.SUBMITTED, submitted_at=at("2026-05-10"))
    Enrolment.objects.create(pathway=activity.fundamentals, recipient_email="new@example.org",
                             started_on=at("2026-05-10"))
    response = client.get(network_url(activity.network), PERIOD).content.decode()
    assert dict(row[:2] for row in table(response, "demandes"))["Demandes envoyées"] == "5"
    pathways = {row[0]: row for row in table(response, "parcours")}
    assert pathways["Fondamentaux"][:3] == ["Fondamentaux", "Médiathèque de Vesoul", "3"]


def test_each_filter_set_has_its_own_figures(synthese, activity):
    assert synthese()["Badges délivrés"] == "11"
    assert synthese(departement="25")["Badges délivrés"] == "5"
    assert synthese(mode="self")["Badges délivrés"] == "1"
    assert synthese()["Badges délivrés"] == "11"
