"""The wallet and the public profile cost the same number of SQL queries whatever the number
of badges, show them in pages, and never read the signed documents of a card."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from badges.models import Assertion, BadgeClass, ImportedBadge, WalletProfile
from badges.views.wallet import WALLET_PAGE
from pathways.models import Pathway, PathwayStep
from tests.factories import AssertionFactory, BadgeClassFactory

WALLET_QUERIES = 12  # session, user, verified e-mails, badge count, the page's badges, held badge classes,
#                     enrolments, pathways, steps, all e-mails, imported badges, the header's partner-space link
PROFILE_QUERIES = 7  # profile + user, verified e-mails, public badge count, the page's badges, pathways, steps,
#                      imported
HEAVY_COLUMNS = ("ob2_jws", "ob3_credential", "ob3_jwt", "original_document", "baked_png")


def give_badges(issuer, count: int, user) -> None:
    classes = BadgeClass.objects.bulk_create(
        BadgeClassFactory.build(issuer=issuer, name=f"Badge {n}", image="badges/test.png") for n in range(count)
    )
    # Half of the badges are in pathways: a key badge and two steps each.
    for start in range(0, count // 2, 3):
        pathway = Pathway.objects.create(issuer=issuer, name=f"Parcours {start}", key_badge=classes[start])
        for order, badge in enumerate(classes[start + 1:start + 3]):
            PathwayStep.objects.create(pathway=pathway, badge_class=badge, order=order)
    Assertion.objects.bulk_create(
        AssertionFactory.build(badge_class=badge, recipient_email="sam@example.org",
                               visibility=Assertion.Visibility.PUBLIC) for badge in classes
    )
    ImportedBadge.objects.bulk_create(
        ImportedBadge(user=user, recipient_email="sam@example.org", document_id=f"urn:uuid:{n}",
                      badge_name=f"Importé {n}", issuer_name="Ailleurs", version="ob3", source="json",
                      original_document={}, verified_status="valid", visibility=Assertion.Visibility.PUBLIC)
        for n in range(count)
    )


def cards(response) -> int:
    page = response if isinstance(response, str) else response.content.decode()
    return page.count('class="card badge-card')


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_the_wallet_renders_in_a_constant_number_of_queries(client, beneficiary, issuer, count,
                                                             django_assert_max_num_queries):
    give_badges(issuer, count, beneficiary)
    client.force_login(beneficiary)
    with django_assert_max_num_queries(WALLET_QUERIES):
        response = client.get(reverse("wallet:home"))
    assert cards(response) == min(count, WALLET_PAGE) + count  # a page of badges, and the imported ones
    assert f"{count} badges" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_the_public_profile_renders_in_a_constant_number_of_queries(client, beneficiary, issuer, count,
                                                                     django_assert_max_num_queries):
    give_badges(issuer, count, beneficiary)
    WalletProfile.objects.create(user=beneficiary, slug="sam", public=True, display_name="Sam")
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(reverse("wallet:profile", kwargs={"slug": "sam"}))
    assert cards(response) == min(count, WALLET_PAGE) + count
    assert f"{2 * count} badges publics" in response.content.decode()


@pytest.mark.django_db
def test_the_wallet_shows_its_badges_in_pages_of_links_newest_first(client, beneficiary, issuer):
    give_badges(issuer, WALLET_PAGE + 5, beneficiary)
    client.force_login(beneficiary)
    first = client.get(reverse("wallet:home")).content.decode()
    assert "Page 1 sur 2" in first and 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    second = client.get(reverse("wallet:home"), {"page": 2}).content.decode()
    assert "Page 2 sur 2" in second and 'rel="prev" href="?page=1"' in second
    newest_first = list(Assertion.objects.order_by("-issued_on", "-pk").values_list("public_id", flat=True))
    on_first = [str(public_id) for public_id in newest_first if str(public_id) in first]
    on_second = [str(public_id) for public_id in newest_first if str(public_id) in second]
    assert len(on_first) == WALLET_PAGE and len(on_second) == 5 and not set(on_first) & set(on_second)
    # A page number out of range shows the last page rather than an error.
    assert "Page 2 sur 2" in client.get(reverse("wallet:home"), {"page": 99}).content.decode()


@pytest.mark.django_db
def test_the_public_profile_pages_keep_its_pathway_groups(client, beneficiary, issuer):
    give_badges(issuer, WALLET_PAGE + 6, beneficiary)
    WalletProfile.objects.create(user=beneficiary, slug="sam", public=True, display_name="Sam")
    url = reverse("wallet:profile", kwargs={"slug": "sam"})
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    assert "Page 1 sur 2" in pages[0] and "Page 2 sur 2" in pages[1]
    assert sum(cards(page) for page in pages) == WALLET_PAGE + 6 + 2 * (WALLET_PAGE + 6)  # imported on both
    assert any("Parcours «" in page for page in pages)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["wallet:home", "wallet:profile"])
def test_a_badge_card_never_reads_the_signed_documents(client, beneficiary, issuer, name):
    give_badges(issuer, 3, beneficiary)
    WalletProfile.objects.create(user=beneficiary, slug="sam", public=True, display_name="Sam")
    client.force_login(beneficiary)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse(name, kwargs={"slug": "sam"} if name == "wallet:profile" else None))
    read = " ".join(query["sql"] for query in captured.captured_queries if "SELECT" in query["sql"])
    assert '"badges_assertion"."public_id"' in read
    for column in HEAVY_COLUMNS:
        assert f'"{column}"' not in read, column
