"""Fixtures of the API v1 tests: tokens made through the service the partner page uses."""

import pytest
from rest_framework.test import APIClient

from badges.api_v1.models import Scope
from badges.api_v1.tokens import api_token_create
from tests.factories import BadgeClassFactory

ALL_SCOPES = list(Scope.values)


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def token_of(db):
    def make(issuer, user, scopes=None, **kwargs):
        return api_token_create(issuer=issuer, created_by=user, name="CRM", scopes=scopes or ALL_SCOPES, **kwargs)
    return make


@pytest.fixture
def api(owner, issuer, token_of):
    """A client of our issuer's system, with a token of every scope created by its owner."""
    _token, secret = token_of(issuer, owner)
    return bearer(secret)


@pytest.fixture
def other_api(other_owner, other_issuer, token_of):
    """The system of another issuer: it must never see or act on ours."""
    _token, secret = token_of(other_issuer, other_owner)
    return bearer(secret)


@pytest.fixture
def other_badge_class(other_issuer):
    return BadgeClassFactory(issuer=other_issuer, name="Badge d'un autre réseau")
