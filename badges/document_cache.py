"""Hosted documents built once and served from the cache (Redis in production).

A document depends on scopes: ``issuer:<pk>`` (the issuer, its keys, badge classes,
alignments and endorsements), ``assertion:<pk>`` (one badge: revocation, shown details,
evidence, signed forms), ``lists:<issuer pk>`` (its revocation and status lists) and
``endorser:<pk>``. A scope's generation is a random token replaced whenever something in
it changes (``changed()``, called by the receivers in badges/receivers.py and
endorsements/receivers.py for every model save, and by the services that write with
``update()``). A cached document keeps the generations it was built from and is served
only while they are current: a warm request makes no query at all.

The cache is shared by every worker; if it is unreachable documents are built per request.
"""

import hashlib
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

logger = logging.getLogger(__name__)

_GEN = "hosted:gen:"
_DOC = "hosted:doc:"
_SCOPES = "hosted:scopes:"
_FRAGMENT = "hosted:fragment:"
# Unused documents leave the cache after a while; they are built again on demand. A
# generation that expires (or is evicted) is simply replaced: what was built from it is
# then stale, never wrongly current.
DOC_TTL_S = 7 * 24 * 3600
GENERATION_TTL_S = 30 * 24 * 3600

# What a CDN or a browser may keep. An OB 3.0 credential changes only on a privacy
# rebuild or a re-signing (its revocation shows in the status list): an hour, then a
# cheap 304 revalidation. What a verifier reads to see a revocation — revocation and
# status lists, and the hosted OB 2.0 assertion, which carries its own "revoked" — a minute.
IMMUTABLE = "public, max-age=3600"
PROFILE = "public, max-age=300"
LIST = "public, max-age=60"
REVOCABLE = LIST


def issuer_scope(issuer_id: int) -> str:
    return f"issuer:{issuer_id}"


def assertion_scope(assertion_id: int) -> str:
    return f"assertion:{assertion_id}"


def lists_scope(issuer_id: int) -> str:
    return f"lists:{issuer_id}"


def endorser_scope(endorser_id: int) -> str:
    return f"endorser:{endorser_id}"


def report_scope(issuer_id: int) -> str:
    """What an issuer's activity report counts: its badges issued, claimed, made public,
    revoked or shared, its applications and pathways (its names and endorsements are in
    ``issuer:<pk>``)."""
    return f"report:{issuer_id}"


def issuers_reports_changed(issuer_ids) -> None:
    changed(*(report_scope(pk) for pk in issuer_ids if pk))


@dataclass(frozen=True)
class Document:
    """What a builder returns: a JSON-LD document and what it depends on."""

    payload: dict
    scopes: tuple[str, ...]
    cache_control: str
    status: int = 200
    content_type: str = "application/ld+json; charset=utf-8"


@dataclass(frozen=True)
class Built:
    body: bytes
    status: int
    content_type: str
    cache_control: str
    etag: str
    last_modified: int
    scopes: tuple[str, ...]
    generations: tuple[str, ...]


Builder = Callable[[], "Document | HttpResponse"]


def changed(*scopes: str) -> None:
    """Something in ``scopes`` changed: their documents are built again when next asked for.

    Now (this transaction's own later reads, tests) and once more after commit: a request
    that read the old rows before the commit cannot leave its document current."""
    scopes = tuple(dict.fromkeys(s for s in scopes if s))
    if not scopes:
        return
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes))


def _bump(scopes: Iterable[str]) -> None:
    try:
        cache.set_many({_GEN + s: uuid.uuid4().hex for s in scopes}, timeout=GENERATION_TTL_S)
    except Exception:
        logger.exception("Hosted document cache unreachable: generations not replaced")


def _generations(scopes: tuple[str, ...], *, create: bool) -> tuple[str, ...] | None:
    keys = [_GEN + s for s in scopes]
    found = cache.get_many(keys)
    if create:
        for key in keys:
            if key not in found:
                cache.add(key, uuid.uuid4().hex, timeout=GENERATION_TTL_S)
                found[key] = cache.get(key)
    values = tuple(found.get(key) for key in keys)
    return None if None in values else values


def _render(document: Document, generations: tuple[str, ...], previous: Built | None) -> Built:
    body = json.dumps(document.payload, ensure_ascii=False, indent=2).encode()
    etag = '"' + hashlib.sha256(body + str(document.status).encode()).hexdigest()[:32] + '"'
    # The same bytes built again (a change elsewhere in the scope) keep their date.
    modified = previous.last_modified if previous is not None and previous.etag == etag else int(time.time())
    return Built(body, document.status, document.content_type, document.cache_control, etag, modified,
                 document.scopes, generations)


# Each process also keeps the documents it served last: checking their generations is then
# the only round trip to the shared cache (and no body to unpickle).
_LOCAL_MAX = 512
_local: OrderedDict[str, Any] = OrderedDict()


def _remember(key: str, built):
    try:
        _local[key] = built
        _local.move_to_end(key)
        while len(_local) > _LOCAL_MAX:
            _local.popitem(last=False)
    except KeyError:  # another thread of the process evicted it meanwhile
        pass
    return built


def _local_current(key: str) -> Built | None:
    kept = _local.get(key)
    if kept is None:
        return None
    keys = [_GEN + s for s in kept.scopes]
    found = cache.get_many(keys)
    if tuple(found.get(k) for k in keys) == kept.generations:
        return kept
    _local.pop(key, None)
    return None


def document(key: str, build: Builder) -> "Built | HttpResponse":
    """The cached document ``key``, or what ``build`` makes of it (an HttpResponse is not cached)."""
    try:
        if (kept := _local_current(key)) is not None:
            return kept
        found = cache.get_many([_DOC + key, _SCOPES + key])
        entry: Built | None = found.get(_DOC + key)
        scopes = entry.scopes if entry is not None else found.get(_SCOPES + key)
        before = _generations(scopes, create=True) if scopes else None
    except Exception:
        logger.exception("Hosted document cache unreachable: building %s", key)
        made = build()
        return made if isinstance(made, HttpResponse) else _render(made, (), None)
    if entry is not None and entry.generations == before:
        return _remember(key, entry)
    made = build()
    if isinstance(made, HttpResponse):
        return made
    try:
        if before is None or made.scopes != scopes:
            # First build: the generations to check were not known before reading the rows,
            # so this one is kept as stale (no generations): the next request builds it again
            # and keeps it current, with this one's date if the bytes are the same.
            cache.set(_SCOPES + key, made.scopes, timeout=GENERATION_TTL_S)
            built = _render(made, (), entry)
            cache.set(_DOC + key, built, timeout=DOC_TTL_S)
            return built
        built = _remember(key, _render(made, before, entry))
        cache.set(_DOC + key, built, timeout=DOC_TTL_S)
    except Exception:
        logger.exception("Hosted document cache unreachable: %s not kept", key)
        return _render(made, (), entry)
    return built


@dataclass(frozen=True)
class Piece:
    """A rendered piece of page and what it depends on (see ``piece_lookup``)."""

    value: Any
    scopes: tuple[str, ...]
    generations: tuple[str, ...]
    expires_at: float


def piece_lookup(key: str, scopes: tuple[str, ...] | None = None, *, local: bool = True
                 ) -> tuple[Any, tuple[str, ...] | None, tuple[str, ...] | None]:
    """(the kept value if still current or None, its scopes, their current generations).

    The generations are read here, before the caller reads its rows: a change committed
    meanwhile leaves what it renders stale, never current (pass them to ``piece_keep``).
    A caller that knows the piece's ``scopes`` beforehand gets their generations even when
    nothing is kept yet, so that its first rendering is kept current. ``local=False``: a big
    piece, read from the shared cache each time rather than also kept in the process."""
    try:
        kept: Piece | None = _local.get(_FRAGMENT + key)
        if kept is None:
            kept = cache.get(_FRAGMENT + key)
        if kept is None:
            return (None, scopes, _generations(scopes, create=True)) if scopes else (None, None, None)
        generations = _generations(kept.scopes, create=True)
    except Exception:
        logger.exception("Cache unreachable: %s not read", key)
        return None, None, None
    if generations != kept.generations or time.time() >= kept.expires_at:
        _local.pop(_FRAGMENT + key, None)
        return None, kept.scopes, generations
    if local:
        _remember(_FRAGMENT + key, kept)
    return kept.value, kept.scopes, generations


def piece_keep(key: str, value: Any, *, scopes: tuple[str, ...], read: tuple[str, ...] | None,
               expected: tuple[str, ...] | None, ttl: int) -> None:
    """Keep ``value``, current only if it was rendered after reading generations ``read``
    of the same ``expected`` scopes (otherwise kept stale: the next request renders it again)."""
    generations = read if read is not None and expected == scopes else ()
    try:
        cache.set(_FRAGMENT + key, Piece(value, scopes, generations, time.time() + ttl), timeout=ttl)
        _local.pop(_FRAGMENT + key, None)
    except Exception:
        logger.exception("Cache unreachable: %s not kept", key)


def respond(request: HttpRequest, built: "Built | HttpResponse") -> HttpResponse:
    """The document with its validators, or 304 when the client already has it."""
    if isinstance(built, HttpResponse):
        return built
    response = HttpResponse(built.body, status=built.status, content_type=built.content_type)
    response["ETag"] = built.etag
    response["Last-Modified"] = http_date(built.last_modified)
    response["Cache-Control"] = built.cache_control
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    response["Vary"] = "Accept"
    return get_conditional_response(request, etag=built.etag, last_modified=built.last_modified,
                                    response=response)


def serve(request: HttpRequest, key: str, build: Builder) -> HttpResponse:
    return respond(request, document(key, build))


# --- Local resolution (the verifier) ------------------------------------------
# url name -> function of the URL's kwargs giving the document: the verifier reads our
# own documents here, without a request, a view or a round trip.

_resolvers: dict[str, Callable[..., "Built | HttpResponse"]] = {}


def register(url_name: str):
    def decorate(function):
        _resolvers[url_name] = function
        return function

    return decorate


def resolver_for(url_name: str):
    return _resolvers.get(url_name)
