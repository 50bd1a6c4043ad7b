"""A fixed-window counter in the shared cache (Redis in production) that keeps
forms which send e-mails from being used to flood an inbox."""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """True while ``key`` has been seen at most ``limit`` times in the current window."""
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window_seconds)
            count = 1
    except Exception as exc:
        # The cache (Redis) is down: the form still works, uncounted for the outage,
        # rather than answering 500 to everyone.
        logger.warning("Throttle %s not counted, cache unreachable: %r", scope, exc)
        return True
    return count <= limit


def client_ip(request) -> str:
    # Behind the production proxy the client is the first X-Forwarded-For entry.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
