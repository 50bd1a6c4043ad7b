"""Shared fixtures: the named people of the product, on real PostgreSQL and Redis."""

import os
import uuid
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings

from issuers.models import Membership
from issuers.services import membership_set
from tests.factories import AssertionFactory, BadgeClassFactory, IssuerFactory, UserFactory

pytest_plugins = ["tests.worker"]


def pytest_sessionstart(session) -> None:
    # The suite runs on the real services; an unreachable one is a failure, not a skip.
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(f"Tests run on PostgreSQL; DATABASE_URL gives {engine}. See README.md.", returncode=3)
    if not settings.REDIS_URL:
        pytest.exit("Tests need REDIS_URL (a real Redis broker). See README.md.", returncode=3)
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.exit(f"Redis at {urlparse(settings.REDIS_URL).netloc} is unreachable: {exc}", returncode=3)


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    # Each test gets a fresh in-process cache: throttling counters must not leak
    # between tests, parallel test processes or test runs (Redis keeps them).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{uuid.uuid4()}"}}


@pytest.fixture(autouse=True)
def _award_emails_at_once(settings) -> None:
    # Award e-mails wait for the badges issued with them in production; tests that are
    # about that grouping set the delay themselves.
    settings.BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS = 0


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory) -> None:
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)


@pytest.fixture
def issuer(db):
    return IssuerFactory(name="Réseau OpenJob — Haute-Saône numérique")


@pytest.fixture
def other_issuer(db):
    return IssuerFactory(name="Autre réseau")


@pytest.fixture
def owner(issuer):
    user = UserFactory(username="owner", first_name="Nadia")
    membership_set(issuer=issuer, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def mediator(issuer):
    user = UserFactory(username="mediator", first_name="Camille")
    membership_set(issuer=issuer, user=user, role=Membership.Role.MEDIATOR)
    return user


@pytest.fixture
def reviewer(issuer):
    user = UserFactory(username="reviewer", first_name="Lucie")
    membership_set(issuer=issuer, user=user, role=Membership.Role.REVIEWER)
    return user


@pytest.fixture
def beneficiary(db):
    return UserFactory(username="beneficiary", first_name="Sam", email="sam@example.org")


@pytest.fixture
def held(badge_class, beneficiary):
    """A badge the beneficiary holds (claimed into their account)."""
    return AssertionFactory(badge_class=badge_class, recipient_email="sam@example.org", recipient_name="Sam",
                            recipient_user=beneficiary)


@pytest.fixture
def endorser_user(db):
    return UserFactory(username="endorser", first_name="Inès")


@pytest.fixture
def outsider(other_issuer):
    """A mediator of another issuer: must never act for ours."""
    user = UserFactory(username="outsider")
    membership_set(issuer=other_issuer, user=user, role=Membership.Role.MEDIATOR)
    return user


@pytest.fixture
def other_owner(other_issuer):
    """The owner of another issuer."""
    user = UserFactory(username="other-owner")
    membership_set(issuer=other_issuer, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def badge_class(issuer):
    return BadgeClassFactory(issuer=issuer, name="Je sais utiliser un ordinateur")


@pytest.fixture
def requestable(badge_class):
    """A badge people ask for, with a question to answer."""
    badge_class.requestable = True
    badge_class.application_questions = "Quel mail avez-vous envoyé ?"
    badge_class.save()
    return badge_class
