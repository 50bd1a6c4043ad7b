"""Acting on one imported badge acts on that one: a person with several imported badges
removes or shares exactly the one they chose, and nobody acts on another person's."""

import pytest
from django.urls import reverse

from badges.models import Assertion, ImportedBadge

pytestmark = pytest.mark.django_db


def imported(user, n: int) -> ImportedBadge:
    return ImportedBadge.objects.create(
        user=user, recipient_email=user.email, document_id=f"https://elsewhere.example/a/{n}",
        badge_name=f"Badge d'ailleurs {n}", version="ob2", source=ImportedBadge.Source.JSON,
        original_document={"id": f"https://elsewhere.example/a/{n}"}, verified_status="valid")


def test_removing_one_of_two_imported_badges_removes_that_one(client, beneficiary):
    first, second = imported(beneficiary, 1), imported(beneficiary, 2)
    client.force_login(beneficiary)
    response = client.post(reverse("wallet:imported_delete", kwargs={"public_id": second.public_id}))
    assert response.status_code == 302
    assert list(ImportedBadge.objects.filter(user=beneficiary)) == [first]


def test_sharing_one_of_two_imported_badges_shares_that_one(client, beneficiary, outsider):
    first, second = imported(beneficiary, 1), imported(beneficiary, 2)
    client.force_login(beneficiary)
    client.post(reverse("wallet:imported_visibility", kwargs={"public_id": first.public_id}),
                {"visibility": Assertion.Visibility.PUBLIC})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.visibility == Assertion.Visibility.PUBLIC and second.visibility != Assertion.Visibility.PUBLIC
    client.force_login(outsider)
    assert client.post(reverse("wallet:imported_delete", kwargs={"public_id": first.public_id})).status_code == 404
    assert ImportedBadge.objects.filter(pk=first.pk).exists()
