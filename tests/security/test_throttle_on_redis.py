"""The abuse limits on the cache production uses: Redis, shared by every web worker.

The rest of the suite swaps in an in-process cache (tests/conftest.py); here each test gets the
real Redis cache under a key prefix of its own, and deletes only its own keys afterwards (the
Redis database may be shared: never a flush)."""

import os
import threading
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from badges import throttle
from badges.models import OutgoingEmail
from tests.factories import UserFactory


def _cache_url() -> str:
    return os.environ.get("CACHE_URL") or django_settings.REDIS_URL.rsplit("/", 1)[0] + "/1"


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": _cache_url(), "KEY_PREFIX": prefix}}
    client = redis.Redis.from_url(_cache_url())
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


RULE = throttle.Rule("test-rule", 3, 60)


def test_the_counter_lives_in_redis_and_expires_with_its_window(redis_cache):
    client, prefix = redis_cache
    assert isinstance(caches["default"], RedisCache)
    assert [throttle.hit(RULE, "203.0.113.1") for _ in range(3)] == [None, None, None]
    retry_after = throttle.hit(RULE, "203.0.113.1")
    assert 0 < retry_after <= 60
    keys = list(client.scan_iter(match=f"{prefix}:*throttle:test-rule:*"))
    assert len(keys) == 1
    assert int(client.get(keys[0])) == 4
    assert 0 < client.ttl(keys[0]) <= 61


def test_another_key_has_its_own_count_in_redis(redis_cache):
    for _ in range(4):
        throttle.hit(RULE, "203.0.113.1")
    assert throttle.hit(RULE, "203.0.113.2") is None
    assert throttle.exceeded(RULE, "203.0.113.1") is not None
    assert throttle.exceeded(RULE, "203.0.113.2") is None


def test_workers_counting_at_once_let_through_exactly_the_limit(redis_cache):
    """Each thread has its own cache connection, as each web worker has: the count is Redis'."""
    rule = throttle.Rule("test-race", 30, 60)
    allowed = []
    barrier = threading.Barrier(10)

    def worker() -> None:
        barrier.wait()
        for _ in range(10):
            if throttle.hit(rule, "203.0.113.9") is None:
                allowed.append(1)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 30


@pytest.mark.django_db
def test_magic_links_are_limited_through_redis(client, redis_cache, beneficiary):
    statuses = [client.post("/compte/lien/", {"email": beneficiary.email}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert OutgoingEmail.objects.filter(to=beneficiary.email).count() == 5


@pytest.mark.django_db
def test_a_client_failing_sign_ins_on_many_accounts_is_stopped_through_redis(client, redis_cache, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = [UserFactory(username=f"person{i}") for i in range(31)]
    for person in people[:30]:
        client.post("/compte/connexion/", {"username": person.email, "password": "Azerty123!"})
    response = client.post("/compte/connexion/", {"username": people[30].email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
