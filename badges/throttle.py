"""Abuse limits in one place: fixed-window counters in the shared cache (Redis in
production) and the client address they count by.

Views call ``check()`` with the rules that apply; going over raises ``RateLimited``,
which ``badges.middleware.RateLimitMiddleware`` turns into the French 429 page with a
``Retry-After`` header (JSON for the API)."""

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` events per ``window_seconds`` for one key of ``scope``."""

    scope: str
    limit: int
    window_seconds: int


# The limits of the site, by what they protect. Per client: whatever one address sends.
# Per target: what reaches one e-mail address or one account, whoever sends it.
LOGIN_LINK_PER_ADDRESS = Rule("login-link-email", 5, 900)
LOGIN_LINK_PER_CLIENT = Rule("login-link-ip", 30, 900)
SIGNUP_PER_ADDRESS = Rule("signup-email", 3, 3600)
SIGNUP_PER_CLIENT = Rule("signup-ip", 10, 3600)
APPLICATION_START_PER_ADDRESS = Rule("application-start-email", 5, 3600)
APPLICATION_START_PER_CLIENT = Rule("application-start-ip", 20, 3600)
ADDRESS_ADD_PER_ACCOUNT = Rule("address-add-user", 10, 3600)
CLAIM_PER_CLIENT = Rule("claim-ip", 60, 600)
# Short codes typed at a mediator's desk: 25^8 codes, a few open at once for 10 minutes.
DESK_CODE_PER_CLIENT = Rule("desk-code-ip", 10, 600)
VERIFIER_PER_CLIENT = Rule("verifier-ip", 10, 600)
# Wallet offers: each one signs a credential; the endpoints wallets call, per client.
WALLET_OFFER_PER_ACCOUNT = Rule("wallet-offer-user", 30, 3600)
WALLET_ENDPOINT_PER_CLIENT = Rule("wallet-endpoint-ip", 120, 600)
API_PER_ACCOUNT = Rule("api-user", 600, 3600)
API_PER_CLIENT = Rule("api-ip", 1200, 3600)
# The OB 3.0 API: client registrations from one address; badges one account sends to other
# platforms (each send fetches that platform's discovery, registers, asks for a token).
OB3_REGISTRATION_PER_CLIENT = Rule("ob3-register-ip", 10, 3600)
PLATFORM_SEND_PER_ACCOUNT = Rule("platform-send-user", 10, 3600)
# One API v1 token, whatever its clients (a batch of 1,000 badges is one request).
API_PER_TOKEN = Rule("api-token", 1000, 3600)
# The webhook log's "Renvoyer" button: each press sends a request to the issuer's server.
WEBHOOK_RESEND_PER_ACCOUNT = Rule("webhook-resend-user", 60, 3600)
# Failed sign-ins from one client, all accounts together (one account: django-axes).
# Generous: a mediator's workshop shares one public address and people mistype.
LOGIN_FAILURES_PER_CLIENT = Rule("login-failures-ip", 30, 900)


class RateLimited(Exception):
    def __init__(self, rule: Rule, retry_after: int):
        super().__init__(f"{rule.scope}: retry after {retry_after} s")
        self.rule = rule
        self.retry_after = retry_after


def _cache_key(rule: Rule, key: str, now: float) -> tuple[str, int]:
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    window = int(now // rule.window_seconds)
    # The window's number is in the key: a new window starts from zero without any expiry race.
    retry_after = max(1, math.ceil((window + 1) * rule.window_seconds - now))
    return f"throttle:{rule.scope}:{digest}:{window}", retry_after


def hit(rule: Rule, key: str) -> int | None:
    """Count one event for ``key``; None while within the limit, else the seconds until it resets."""
    cache_key, retry_after = _cache_key(rule, key, time.time())
    try:
        cache.add(cache_key, 0, timeout=rule.window_seconds + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, timeout=rule.window_seconds + 1)
            count = 1
    except Exception as exc:
        # The cache (Redis) is down: the form still works, uncounted for the outage,
        # rather than answering 500 to everyone.
        logger.warning("Throttle %s not counted, cache unreachable: %r", rule.scope, exc)
        return None
    return None if count <= rule.limit else retry_after


def exceeded(rule: Rule, key: str) -> int | None:
    """Without counting: None while events are still allowed for ``key``, else the seconds to wait."""
    cache_key, retry_after = _cache_key(rule, key, time.time())
    try:
        count = cache.get(cache_key) or 0
    except Exception as exc:
        logger.warning("Throttle %s not read, cache unreachable: %r", rule.scope, exc)
        return None
    return retry_after if count >= rule.limit else None


def check(rule: Rule, key: str) -> None:
    """Count one event; raise ``RateLimited`` past the limit."""
    retry_after = hit(rule, key)
    if retry_after is not None:
        raise RateLimited(rule, retry_after)


def allow(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """True while ``key`` has been seen at most ``limit`` times in the current window."""
    return hit(Rule(scope, limit, window_seconds), key) is None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, unless ``TRUSTED_PROXY_COUNT`` proxies of ours stand in front.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the client is the
    entry our outermost proxy added: the N-th from the right. Entries further left were written by
    the client itself and are never trusted (anyone can send ``X-Forwarded-For: 1.2.3.4``).
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not entries:
        return remote
    candidate = entries[-trusted] if len(entries) >= trusted else entries[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
