"""Django side of the verifier: a safe fetcher for the engine's pure verify().

Documents under our own SITE_URL are resolved in-process (no HTTP round trip to
ourselves). Anything else is fetched with timeouts, a size cap, no redirects to
private addresses and no private-network targets (no SSRF)."""

import contextvars
import hashlib
import ipaddress
import socket
import threading
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from badges import document_cache
from badges.openbadges.verify import VerificationReport, verify, verify_endorsement

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = (3.05, 5)
MAX_REDIRECTS = 3
# One verification, whatever the badge embeds (endorsements, status lists, keys):
# at most this many documents fetched, in at most this many seconds, body reads included.
MAX_FETCHES = 25
DEADLINE_S = 20.0
# One document: connecting, headers and body together.
FETCH_DEADLINE_S = 10.0
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


class _Watch:
    """One deadline over a whole fetch: connecting, the headers and the body.

    Socket timeouts only bound each read, so a server sending one byte a second would hold us
    for ever; at the deadline a timer shuts the connection down under the reading thread, which
    then fails at once. The timer holds its own duplicate of each socket (closed when the fetch
    ends), so it never touches a descriptor that meanwhile went to someone else."""

    def __init__(self, deadline: float):
        self.expired = False
        self._stopped = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if self._stopped:
                return
            self._sockets.append(sock.dup())
            if self.expired:
                self._shutdown(self._sockets[-1])

    def _cut(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.expired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


_watch: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("verifier_fetch_watch", default=None)


class _GuardedConnection:
    """Checks the address actually connected to, before a byte is sent: the name may
    resolve to a public address when checked and to a private one when connecting
    (DNS rebinding). And puts the connection under the fetch's deadline."""

    def _new_conn(self):
        sock = super()._new_conn()
        if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE:
            peer = sock.getpeername()[0]
            if not _is_public_address(peer):
                sock.close()
                raise FetchRefused(f"Adresse d'un réseau privé refusée : {peer}")
        watch = _watch.get()
        if watch is not None:
            watch.add(sock)
        return sock


class _GuardedHTTPConnection(_GuardedConnection, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPConnectionPool,
                                                   "https": _GuardedHTTPSConnectionPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the peer checked is the server itself
    session.mount("http://", _GuardedAdapter())
    session.mount("https://", _GuardedAdapter())
    return session


def _fetch_local(url: str) -> tuple[int, str, bytes]:
    """One of our own documents, read by id from the hosted documents' cache or the
    database (badges/document_cache.py): no request, no round trip, nothing signed again."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return 404, "text/plain", b""
    document = document_cache.resolver_for(match.view_name)
    if document is None:
        return _fetch_local_view(url, match)
    try:
        built = document(*match.args, **match.kwargs)
    except Http404:
        return 404, "text/plain", b""
    if isinstance(built, HttpResponse):
        return built.status_code, built.get("Content-Type", ""), built.content
    return built.status, built.content_type, built.body


def _fetch_local_view(url: str, match) -> tuple[int, str, bytes]:
    # Our other pages (none a badge names today), as an anonymous visitor gets them.
    path = urlsplit(url).path
    request = HttpRequest()
    request.user = AnonymousUser()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict()
    request.META = {"HTTP_ACCEPT": ACCEPT, "SERVER_NAME": urlsplit(settings.SITE_URL).hostname or "localhost",
                    "SERVER_PORT": "443", "REQUEST_METHOD": "GET"}
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code in (301, 302) and response.get("Location"):
        return _fetch_local(urljoin(url, response["Location"]))
    return response.status_code, response.get("Content-Type", ""), response.content


def _fetch_remote(url: str, *, deadline: float) -> tuple[int, str, bytes]:
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Adresse non prise en charge : {url}")
        if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE and not _is_public_host(parts.hostname):
            raise FetchRefused(f"Adresse d'un réseau privé refusée : {parts.hostname}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(_TOO_LONG)
        status, content_type, body, location = _fetch_once(url, deadline=deadline, remaining=remaining)
        if location is None:
            return status, content_type, body
        url = urljoin(url, location)
    raise FetchRefused("Trop de redirections")


def _fetch_once(url: str, *, deadline: float, remaining: float, method: str = "GET", headers: dict | None = None,
                body: bytes | None = None, auth=None) -> tuple[int, str, bytes, str | None]:
    watch = _Watch(deadline)
    token = _watch.set(watch)
    try:
        with _session() as session:
            response = session.request(method, url, headers=headers or {"Accept": ACCEPT}, data=body, auth=auth,
                                       stream=True, allow_redirects=False,
                                       timeout=(min(TIMEOUT[0], remaining), min(TIMEOUT[1], remaining)))
            try:
                if response.is_redirect:
                    return response.status_code, "", b"", response.headers.get("Location", "")
                body = b""
                # read1: what has arrived, not a full 64 KB block (read() would wait for it, drop by drop).
                while chunk := response.raw.read1(64 * 1024, decode_content=True):
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise FetchRefused("Document trop volumineux")
                    if time.monotonic() > deadline:
                        raise FetchRefused(_TOO_LONG)
                if watch.expired:  # cut mid-body: what was read is not the document
                    raise FetchRefused(_TOO_LONG)
                return response.status_code, response.headers.get("Content-Type", ""), body, None
            finally:
                watch.stop()  # before the connection is closed
                response.close()
    except FetchRefused:
        raise
    except Exception as exc:
        if watch.expired:
            raise FetchRefused(_TOO_LONG) from exc
        raise
    finally:
        watch.stop()
        _watch.reset(token)


_TOO_LONG = "La vérification prend trop de temps"


def safe_fetch(url: str, *, deadline: float | None = None) -> tuple[int, str, bytes]:
    """One document, within ``deadline`` (time.monotonic()) and at most FETCH_DEADLINE_S in any case."""
    if url.startswith(settings.SITE_URL + "/"):
        return _fetch_local(url)
    own = time.monotonic() + FETCH_DEADLINE_S
    return _fetch_remote(url, deadline=own if deadline is None else min(deadline, own))


def safe_request(method: str, url: str, *, headers: dict, body: bytes | None = None,
                 auth: tuple[str, str] | None = None, seconds: float = FETCH_DEADLINE_S) -> tuple[int, str, bytes]:
    """One request to another server (the OB 3.0 API client: registration, token, upsert; webhook
    deliveries) under the same guards as ``safe_fetch``: https in production, no private addresses
    (checked on the name and on the address connected to), one deadline, a size cap. Redirects are
    not followed (a POST that is redirected is an answer, not a new request to send)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"Adresse non prise en charge : {url}")
    if settings.PRODUCTION and parts.scheme != "https":
        raise FetchRefused(f"Adresse non sécurisée (https requis) : {url}")
    if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE and not _is_public_host(parts.hostname):
        raise FetchRefused(f"Adresse d'un réseau privé refusée : {parts.hostname}")
    deadline = time.monotonic() + seconds
    status, content_type, content, _location = _fetch_once(url, deadline=deadline, remaining=seconds,
                                                           method=method, headers=headers, body=body, auth=auth)
    return status, content_type, content


def budgeted_fetch(*, max_fetches: int = MAX_FETCHES, seconds: float | None = None):
    """A ``safe_fetch`` for one verification: a badge cannot make us fetch without end."""
    deadline = time.monotonic() + (DEADLINE_S if seconds is None else seconds)
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
