"""The wallet and the public profile cost the same number of SQL queries whatever the number of badges."""

import pytest
from django.urls import reverse

from badges.models import Assertion, BadgeClass, ImportedBadge, WalletProfile
from pathways.models import Pathway, PathwayStep
from tests.factories import AssertionFactory, BadgeClassFactory

WALLET_QUERIES = 10  # session, user, verified e-mails, assertions, enrolments, pathways, steps, all e-mails,
#                     imported badges, and the header's partner-space link
PROFILE_QUERIES = 6  # profile + user, verified e-mails, public assertions, pathways, steps, imported


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


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 100])
def test_the_wallet_renders_in_a_constant_number_of_queries(client, beneficiary, issuer, count,
                                                             django_assert_num_queries):
    give_badges(issuer, count, beneficiary)
    client.force_login(beneficiary)
    with django_assert_num_queries(WALLET_QUERIES):
        response = client.get(reverse("wallet:home"))
    assert response.content.decode().count('class="card badge-card') == 2 * count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 100])
def test_the_public_profile_renders_in_a_constant_number_of_queries(client, beneficiary, issuer, count,
                                                                     django_assert_num_queries):
    give_badges(issuer, count, beneficiary)
    WalletProfile.objects.create(user=beneficiary, slug="sam", public=True, display_name="Sam")
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get(reverse("wallet:profile", kwargs={"slug": "sam"}))
    assert response.content.decode().count('class="card badge-card') == 2 * count
