"""Django side of the verifier: a safe fetcher for the engine's pure verify().

Documents under our own SITE_URL are resolved in-process (no HTTP round trip to
ourselves). Anything else is fetched with timeouts, a size cap, no redirects to
private addresses and no private-network targets (no SSRF)."""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone

from badges.openbadges.verify import VerificationReport, verify

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = (3.05, 5)
MAX_REDIRECTS = 3
ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"


class FetchRefused(Exception):
    pass


def _is_public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        raise FetchRefused(f"Adresse inconnue : {host}")
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return False
    return True


def _fetch_local(url: str) -> tuple[int, str, bytes]:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return 404, "text/plain", b""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict()
    request.META = {"HTTP_ACCEPT": ACCEPT, "SERVER_NAME": urlsplit(settings.SITE_URL).hostname or "localhost",
                    "SERVER_PORT": "443", "REQUEST_METHOD": "GET"}
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code in (301, 302) and response.get("Location"):
        return _fetch_local(urljoin(url, response["Location"]))
    return response.status_code, response.get("Content-Type", ""), response.content


def _fetch_remote(url: str) -> tuple[int, str, bytes]:
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Adresse non prise en charge : {url}")
        if not settings.BADGEHUB_VERIFIER_ALLOW_PRIVATE and not _is_public_host(parts.hostname):
            raise FetchRefused(f"Adresse d'un réseau privé refusée : {parts.hostname}")
        with requests.get(url, headers={"Accept": ACCEPT}, timeout=TIMEOUT, stream=True,
                          allow_redirects=False) as response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchRefused("Document trop volumineux")
            return response.status_code, response.headers.get("Content-Type", ""), body
    raise FetchRefused("Trop de redirections")


def safe_fetch(url: str) -> tuple[int, str, bytes]:
    if url.startswith(settings.SITE_URL + "/"):
        return _fetch_local(url)
    return _fetch_remote(url)


def verify_badge(data: bytes | str | dict, *, expected_email: str | None = None) -> VerificationReport:
    """Verify a badge from anywhere: baked PNG/SVG bytes, a URL, JSON, a JWS or a JWT."""
    if isinstance(data, str):
        data = data.strip()
    return verify(data, fetch=safe_fetch, now=timezone.now(), expected_email=expected_email or None)


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

    if isinstance(data, str):
        data = data.strip()
    report = verify(data, fetch=fetch_here, now=timezone.now(), expected_email=expected_email or None)
    return None if needs_remote else report
