"""Django side of the verifier: a safe fetcher for the engine's pure verify().

Documents under our own SITE_URL are resolved in-process (no HTTP round trip to
ourselves). Anything else is fetched with timeouts, a size cap, no redirects to
private addresses and no private-network targets (no SSRF)."""

import hashlib
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from badges.openbadges.verify import VerificationReport, verify, verify_endorsement

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = (3.05, 5)
MAX_REDIRECTS = 3
# One verification, whatever the badge embeds (endorsements, status lists, keys):
# at most this many documents fetched, in at most this many seconds, body reads included.
MAX_FETCHES = 25
DEADLINE_S = 20.0
ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"


class FetchRefused(Exception):
    pass


def _is_public_address(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


def _is_public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        raise FetchRefused(f"Adresse inconnue : {host}")
    return all(_is_public_address(info[4][0]) for info in infos)


class _PublicPeerOnly:
    """Checks the address actually connected to, before a byte is sent: the name may
    resolve to a public address when checked and to a private one when connecting
    (DNS rebinding)."""

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not _is_public_address(peer):
            sock.close()
            raise FetchRefused(f"Adresse d'un réseau privé refusée : {peer}")
        return sock


class _PublicHTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPConnectionPool,
                                                   "https": _PublicHTTPSConnectionPool}


def _session() -> requests.Session:
    session = requests.Session()
    if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE:
        session.mount("http://", _PublicOnlyAdapter())
        session.mount("https://", _PublicOnlyAdapter())
    return session


def _fetch_local(url: str) -> tuple[int, str, bytes]:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return 404, "text/plain", b""
    request = HttpRequest()
    request.user = AnonymousUser()  # documents are fetched as an anonymous visitor would
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict()
    request.META = {"HTTP_ACCEPT": ACCEPT, "SERVER_NAME": urlsplit(settings.SITE_URL).hostname or "localhost",
                    "SERVER_PORT": "443", "REQUEST_METHOD": "GET"}
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code in (301, 302) and response.get("Location"):
        return _fetch_local(urljoin(url, response["Location"]))
    return response.status_code, response.get("Content-Type", ""), response.content


def _fetch_remote(url: str, *, deadline: float | None = None) -> tuple[int, str, bytes]:
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Adresse non prise en charge : {url}")
        if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE and not _is_public_host(parts.hostname):
            raise FetchRefused(f"Adresse d'un réseau privé refusée : {parts.hostname}")
        with _session() as session, session.get(url, headers={"Accept": ACCEPT}, timeout=TIMEOUT, stream=True,
                                                  allow_redirects=False) as response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            body = b""
            # read1: what has arrived, not a full 64 KB block (read() would wait for it, drop by drop).
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchRefused("Document trop volumineux")
                if deadline is not None and time.monotonic() > deadline:  # a server sending drop by drop
                    raise FetchRefused(_TOO_LONG)
            return response.status_code, response.headers.get("Content-Type", ""), body
    raise FetchRefused("Trop de redirections")


_TOO_LONG = "La vérification prend trop de temps"


def safe_fetch(url: str, *, deadline: float | None = None) -> tuple[int, str, bytes]:
    if url.startswith(settings.SITE_URL + "/"):
        return _fetch_local(url)
    return _fetch_remote(url, deadline=deadline)


def budgeted_fetch(*, max_fetches: int = MAX_FETCHES, seconds: float = DEADLINE_S):
    """A ``safe_fetch`` for one verification: a badge cannot make us fetch without end."""
    deadline = time.monotonic() + seconds
    count = 0

    def fetch(url: str) -> tuple[int, str, bytes]:
        nonlocal count
        count += 1
        if count > max_fetches:
            raise FetchRefused("Trop de documents à consulter pour un seul badge")
        if time.monotonic() > deadline:
            raise FetchRefused(_TOO_LONG)
        return safe_fetch(url, deadline=deadline)

    return fetch


# DID documents and JSON-LD contexts of other servers change rarely and are asked for by
# every badge of their issuer: kept a few minutes (a key declared compromised shows within that).
STATIC_TTL_S = 300
STATIC_MAX_BYTES = 256 * 1024


def cached_fetch(fetch):
    """``fetch`` for documents that change rarely, through the cache; ours are never cached."""

    def fetch_static(url: str) -> tuple[int, str, bytes]:
        if url.startswith(settings.SITE_URL + "/"):
            return fetch(url)
        key = "verifier:static:" + hashlib.sha256(url.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            return hit
        status, ctype, body = fetch(url)
        if status == 200 and len(body) <= STATIC_MAX_BYTES:
            cache.set(key, (status, ctype, body), STATIC_TTL_S)
        return status, ctype, body

    return fetch_static


def _ours_over_http(fetch):
    """A did:web names an https URL; a development site served over plain http
    still answers for its own DIDs."""
    if not settings.SITE_URL.startswith("http://"):
        return fetch
    as_https = "https://" + settings.SITE_URL.removeprefix("http://") + "/"

    def fetch_ours(url: str) -> tuple[int, str, bytes]:
        if url.startswith(as_https):
            url = settings.SITE_URL + "/" + url.removeprefix(as_https)
        return fetch(url)

    return fetch_ours


def _verify(data, fetch, expected_email: str | None) -> VerificationReport:
    if isinstance(data, str):
        data = data.strip()
    fetch = _ours_over_http(fetch)
    # did:web is https only; plain http to this machine exists only outside production.
    return verify(data, fetch=fetch, fetch_static=cached_fetch(fetch), now=timezone.now(),
                  expected_email=expected_email or None, allow_loopback_http=not settings.PRODUCTION)


def verify_badge(data: bytes | str | dict, *, expected_email: str | None = None) -> VerificationReport:
    """Verify a badge from anywhere: baked PNG/SVG bytes, a URL, JSON, a JWS or a JWT."""
    return _verify(data, budgeted_fetch(), expected_email)


def verify_badge_here(data: bytes | str | dict, *, expected_email: str | None = None) -> VerificationReport | None:
    """Verify with the documents this site serves only; None if another server would have to be asked.

    Cheap enough for a page view, and a visitor's page view never makes us fetch someone else's URL.
    """
    needs_remote = False

    def fetch_here(url: str) -> tuple[int, str, bytes]:
        nonlocal needs_remote
        if url.startswith(settings.SITE_URL + "/"):
            return _fetch_local(url)
        needs_remote = True
        raise FetchRefused("Document d'un autre serveur")

    report = _verify(data, fetch_here, expected_email)
    return None if needs_remote else report


def verify_endorsement_credential(endorsement: dict, *, subject_id: str | None = None):
    """An EndorsementCredential on its own (a warning-level Check), fetched as verify_badge does."""
    fetch = _ours_over_http(budgeted_fetch())
    return verify_endorsement(endorsement, fetch=fetch, fetch_static=cached_fetch(fetch), subject_id=subject_id,
                              allow_loopback_http=not settings.PRODUCTION)
