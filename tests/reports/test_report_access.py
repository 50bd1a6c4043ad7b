"""Who reads which activity report: each role, and the French 403 for everyone else."""

import uuid

import pytest

from tests.reports.conftest import PERIOD, issuer_url, network_url

pytestmark = pytest.mark.django_db


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, {**PERIOD, **params})


def test_the_issuer_owner_reads_the_whole_activity_of_their_issuer(client, activity):
    response = page(client, activity.people["owner"], issuer_url(activity.vesoul))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<strong>6</strong> badges délivrés" in text
    assert "Vous voyez votre propre activité" not in text


def test_an_issuer_admin_reads_their_issuer_but_not_the_other_member_of_the_network(client, activity):
    admin = activity.people["admin"]
    assert page(client, admin, issuer_url(activity.besancon)).status_code == 200
    assert page(client, admin, issuer_url(activity.vesoul)).status_code == 403
    assert page(client, admin, network_url(activity.network)).status_code == 403


def test_the_network_admin_reads_the_network_and_each_member_issuer(client, activity):
    admin = activity.people["network_admin"]
    assert page(client, admin, network_url(activity.network)).status_code == 200
    assert page(client, admin, issuer_url(activity.vesoul)).status_code == 200
    assert page(client, admin, issuer_url(activity.besancon)).status_code == 200


def test_the_network_admin_cannot_read_an_issuer_outside_their_network(client, activity):
    response = page(client, activity.people["network_admin"], issuer_url(activity.elsewhere))
    assert response.status_code == 403


def test_a_mediator_sees_only_the_badges_they_issued(client, activity):
    response = page(client, activity.people["mediator"], issuer_url(activity.vesoul))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Vous voyez votre propre activité" in text
    # Camille issued 4 of Vesoul's 6 badges of the period (not the owner's, not the automatic key badge).
    assert "<strong>4</strong> badges délivrés" in text
    assert "Nadia Owner" not in text
    assert "Étapes à délai (IAE)" not in text


def test_a_mediator_cannot_widen_the_report_to_someone_elses_activity(client, activity):
    owner = activity.people["owner"]
    response = page(client, activity.people["mediator"], issuer_url(activity.vesoul), mediateur=owner.pk,
                    format="csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "Badges délivrés;4" in lines
    assert not any("Nadia Owner" in line for line in lines)


def test_a_mediator_of_issuer_a_is_refused_issuer_bs_report_in_french(client, activity):
    response = page(client, activity.people["mediator"], issuer_url(activity.besancon))
    assert response.status_code == 403
    text = response.content.decode()
    assert "Accès refusé" in text and "France services Besançon" not in text


def test_a_mediator_cannot_read_the_network_report(client, activity):
    assert page(client, activity.people["mediator"], network_url(activity.network)).status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "outsider"])
def test_reviewers_and_outsiders_get_the_french_403_page_and_its_exports_too(client, activity, who):
    for params in ({}, {"format": "xlsx"}, {"format": "coop"}):
        response = page(client, activity.people[who], issuer_url(activity.vesoul), **params)
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()


def test_an_unknown_report_is_404(client, activity):
    user = activity.people["network_admin"]
    assert page(client, user, issuer_url(type("X", (), {"public_id": uuid.uuid4()}))).status_code == 404
    assert page(client, user, network_url(type("X", (), {"public_id": uuid.uuid4()}))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, activity):
    assert client.get(network_url(activity.network))["Location"].startswith("/compte/connexion/")

