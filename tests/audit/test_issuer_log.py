"""The issuer's log in the partner space: its owners and administrators read and export
it; nobody else, and never another issuer's."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.services import assertion_issue, assertion_revoke
from issuers.audit.models import AuditEvent
from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import BadgeClassFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def log_url(issuer, **query) -> str:
    url = reverse("audit:issuer_log", kwargs={"issuer_id": issuer.public_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_url(issuer, **query) -> str:
    url = reverse("audit:issuer_log_csv", kwargs={"issuer_id": issuer.public_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def history(badge_class, mediator, owner, other_issuer):
    ours = assertion_issue(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam Martin",
                           issued_by=mediator)
    assertion_revoke(assertion=ours, reason="Erreur de personne", revoked_by=owner)
    other_owner = UserFactory(username="other-owner")
    membership_set(issuer=other_issuer, user=other_owner, role=Membership.Role.OWNER)
    assertion_issue(badge_class=BadgeClassFactory(issuer=other_issuer, name="Badge des autres"),
                    recipient_email="zoe@example.org", recipient_name="Zoé Ailleurs", issued_by=other_owner)
    return ours


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_the_issuers_owners_and_admins_read_its_log_and_only_its_log(client, issuer, history, owner, role):
    if role == "admin":
        user = UserFactory(username="issuer-admin")
        membership_set(issuer=issuer, user=user, role=Membership.Role.ADMIN)
    else:
        user = owner
    client.force_login(user)
    page = client.get(log_url(issuer)).content.decode()
    assert "Journal des actions" in page
    assert "badge délivré" in page and "badge révoqué" in page and "Sam Martin" in page
    assert "Camille" in page  # who issued
    assert "Zoé Ailleurs" not in page and "Badge des autres" not in page


@pytest.mark.parametrize("who", ["mediator", "reviewer", "outsider"])
def test_other_roles_and_other_issuers_people_get_404(client, issuer, history, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(log_url(issuer)).status_code == 404
    assert client.get(csv_url(issuer)).status_code == 404


def test_another_issuers_owner_cannot_read_our_log(client, issuer, history):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="other-owner"))
    assert client.get(log_url(issuer)).status_code == 404
    assert client.get(csv_url(issuer)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, issuer):
    response = client.get(log_url(issuer))
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_the_log_filters_by_action_dates_and_text(client, issuer, history, owner):
    client.force_login(owner)
    page = client.get(log_url(issuer, action="assertion_revoked")).content.decode()
    assert "Erreur de personne" in page and "badge délivré" not in page.split("<tbody>")[1]
    day = timezone.localdate(history.issued_on).isoformat()
    assert "Sam Martin" in client.get(log_url(issuer, du=day, au=day)).content.decode()
    assert "Sam Martin" not in client.get(log_url(issuer, du="2001-01-01", au="2001-01-02")).content.decode()
    assert "Sam Martin" not in client.get(log_url(issuer, q="personne-inconnue")).content.decode()
    page = client.get(log_url(issuer, du="pas-une-date")).content.decode()
    assert "Vérifiez les dates du filtre" in page and 'value="pas-une-date"' in page


def test_the_log_is_paginated_newest_first(client, issuer, badge_class, owner, mediator):
    for n in range(55):
        assertion_issue(badge_class=badge_class, recipient_email=f"p{n}@example.org", recipient_name=f"Personne {n}",
                        issued_by=mediator)
    client.force_login(owner)
    first = client.get(log_url(issuer, action="assertion_issued")).content.decode()
    assert "Personne 54" in first and "Personne 4<" not in first and "Plus anciens" in first
    second = client.get(log_url(issuer, action="assertion_issued", page=2)).content.decode()
    assert "Personne 4<" in second and "Personne 54" not in second and "action=assertion_issued" in second


def test_the_csv_export_quotes_every_cell_that_would_start_a_formula(client, issuer, owner):
    """Names people typed (a badge's, an account's) reach the export: a spreadsheet must show
    them as text, never run them."""
    formula_badge = BadgeClassFactory(issuer=issuer, name='=HYPERLINK("https://evil.example","clic")',
                                      issuable_by_mediator=True)
    assertion_issue(badge_class=formula_badge, recipient_email="x@example.org", issued_by=owner)
    membership_set(issuer=issuer, user=UserFactory(username="@SUM(1+1)*cmd|' /C calc'!A0", first_name="",
                                                   last_name=""), role=Membership.Role.MEDIATOR, by=owner)
    client.force_login(owner)
    response = client.get(csv_url(issuer))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["date", "action", "par"]
    labels = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(\"https://evil.example\",\"clic\") → x@example.org" in labels
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in labels
    assert not [cell for row in rows[1:] for cell in row if cell.startswith(("=", "+", "-", "@"))]


def test_the_django_admin_shows_the_log_read_only(admin_client, history):
    event = AuditEvent.objects.filter(action=Action.ASSERTION_REVOKED).get()
    listing = admin_client.get("/admin/issuers/auditevent/")
    assert listing.status_code == 200
    assert "badge révoqué" in listing.content.decode()
    change = admin_client.get(f"/admin/issuers/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.post(f"/admin/issuers/auditevent/{event.pk}/change/", {"object_label": "x"}).status_code == 403
    assert admin_client.get("/admin/issuers/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/issuers/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.object_label.endswith("Sam Martin")
