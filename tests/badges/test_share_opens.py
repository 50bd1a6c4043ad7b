"""The links a holder shares (LinkedIn, QR code, copied link) lead to the badge's page and
count the open, per badge, day and source, with nothing about who opened it."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Assertion, ShareOpen
from badges.sharing import qr_svg
from tests.factories import AssertionFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"


@pytest.fixture
def shared(badge_class, beneficiary):
    return AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_user=beneficiary,
                            visibility=Assertion.Visibility.PUBLIC)


def share_link(assertion, source: str) -> str:
    return reverse("badges:share_open", kwargs={"public_id": assertion.public_id, "source": source})


def opens(assertion) -> dict[str, int]:
    return dict(ShareOpen.objects.filter(assertion=assertion).values_list("source", "opens"))


def test_a_shared_link_leads_to_the_badge_page_and_counts_one_open_for_its_source(client, shared):
    response = client.get(share_link(shared, "qr"), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == shared.get_absolute_url()
    assert response["Cache-Control"] == "no-store"
    row = ShareOpen.objects.get(assertion=shared)
    assert (row.source, row.opens, row.day) == ("qr", 1, timezone.localdate())
    assert client.get(response["Location"]).status_code == 200


def test_someone_reloading_the_page_counts_once_but_each_source_counts(client, shared):
    for _ in range(5):
        client.get(share_link(shared, "linkedin"), HTTP_USER_AGENT=BROWSER)
    client.get(share_link(shared, "lien"), HTTP_USER_AGENT=BROWSER)
    assert opens(shared) == {"linkedin": 1, "lien": 1}


def test_robots_link_previews_and_prefetches_are_not_counted(client, shared):
    for agent in ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
                  "facebookexternalhit/1.1", "curl/8.5.0", ""):
        assert client.get(share_link(shared, "linkedin"), HTTP_USER_AGENT=agent).status_code == 302
    client.get(share_link(shared, "qr"), HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert opens(shared) == {}


def test_the_holder_opening_their_own_link_is_not_counted(client, shared, beneficiary):
    client.force_login(beneficiary)
    client.get(share_link(shared, "lien"), HTTP_USER_AGENT=BROWSER)
    assert opens(shared) == {}


def test_a_private_or_revoked_badge_counts_no_open(client, badge_class):
    private = AssertionFactory(badge_class=badge_class, recipient_email="a@example.org")
    revoked = AssertionFactory(badge_class=badge_class, recipient_email="b@example.org", revoked=True,
                               visibility=Assertion.Visibility.PUBLIC)
    for assertion in (private, revoked):
        client.get(share_link(assertion, "qr"), HTTP_USER_AGENT=BROWSER)
    assert not ShareOpen.objects.exists()


def test_an_unknown_source_is_not_found(client, shared):
    assert client.get(share_link(shared, "facebook"), HTTP_USER_AGENT=BROWSER).status_code == 404
    assert not ShareOpen.objects.exists()


def test_the_share_controls_hand_out_the_counted_links(client, shared, beneficiary, settings):
    client.force_login(beneficiary)
    response = client.get(reverse("wallet:badge", kwargs={"public_id": shared.public_id}))
    page = response.content.decode()
    link = settings.SITE_URL + share_link(shared, "lien")
    assert f'value="{link}"' in page and f'data-copy="{link}"' in page
    add = parse_qs(urlparse(response.context["linkedin_add_url"]).query)
    assert add["certUrl"] == [settings.SITE_URL + share_link(shared, "linkedin")]
    post = parse_qs(urlparse(response.context["linkedin_share_url"]).query)
    assert post["url"] == [settings.SITE_URL + share_link(shared, "linkedin")]
    qr = qr_svg(settings.SITE_URL + share_link(shared, "qr"))
    assert response.context["qr_svg"] == qr
    download = client.get(reverse("wallet:badge_qr", kwargs={"public_id": shared.public_id, "fmt": "svg"}))
    assert download.content == qr.encode()
