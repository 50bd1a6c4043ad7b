"""Offline JSON-LD processing: a document loader that serves only shipped contexts.

Canonicalisation must never touch the network (a remote context could change
what a signature means, or be used to probe our infrastructure), so every
context a badge may use is a file in ``contexts/``.
"""

from __future__ import annotations

import copy
import json
import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from frozendict import frozendict
from pyld import canon as pyld_canon
from pyld import context_resolver, jsonld

CONTEXTS_DIR = Path(__file__).parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"

# URL -> file name in contexts/
CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_V1: "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    OB3_CONTEXT: "ob-v3p0-context-3.0.3.json",
    OB3_EXTENSIONS: "ob-v3p0-extensions.json",
    OB2_CONTEXT: "openbadges-v2.jsonld",
    "https://openbadgespec.org/v2/context.json": "openbadges-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    "https://w3id.org/vc/status-list/2021/v1": "vc-status-list-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    # What Learner Credential Wallet signs its DID Authentication presentations with.
    ED25519_2020_V1: "ed25519-signature-2020-v1.jsonld",
}


# Keys of inline contexts already serialised, by the identity of their members: pyld
# hands ``canonicalize`` a fresh shallow copy (``dict(ctx)``) of the same context each
# time, whose values are the very objects of the context it processed. An entry keeps
# those objects alive, so no other object can take their ids while it is cached.
_INLINE_KEYS: OrderedDict[tuple, tuple[tuple, bytes]] = OrderedDict()
_INLINE_KEYS_SIZE = 256
_INLINE_KEYS_LOCK = threading.Lock()


def _serialise_context(ctx: dict[str, Any]) -> bytes:
    return json.dumps(ctx, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _fast_cache_key(ctx: dict[str, Any]) -> bytes:
    if _EXTRA_CONTEXTS.get() is not None:
        # Contexts a verifier fetched are not ours to trust unchanged between calls.
        return _serialise_context(ctx)
    members = tuple((key, id(value)) for key, value in ctx.items())
    with _INLINE_KEYS_LOCK:
        entry = _INLINE_KEYS.get(members)
        if entry is not None:
            _INLINE_KEYS.move_to_end(members)
            return entry[1]
    key = _serialise_context(ctx)
    with _INLINE_KEYS_LOCK:
        _INLINE_KEYS[members] = (tuple(ctx.values()), key)
        while len(_INLINE_KEYS) > _INLINE_KEYS_SIZE:
            _INLINE_KEYS.popitem(last=False)
    return key


# pyld keys its cache of inline (type-scoped) contexts by a pure-Python JCS
# serialisation, which costs more than the rest of signing. The key only has to
# be deterministic, so the C-accelerated sorted json.dumps does the same job.
context_resolver.canonicalize = _fast_cache_key

_pyld_process_context = jsonld.JsonLdProcessor._process_context


def _process_context_with_stable_clone(self, active_ctx, local_ctx, options, override_protected=False,
                                       propagate=True, validate_scoped=True, cycles=None):
    """pyld clones the active context for every non-propagated (type-scoped)
    context and gives the clone a fresh random id; processed contexts are cached
    by that id, so the OB 3.0 type-scoped contexts were processed again for every
    node of every credential. Same parent, same clone: we make the clone here,
    exactly as pyld does, with an id derived from its parent's."""
    ctxs = local_ctx.get("@context") if isinstance(local_ctx, dict) and isinstance(
        local_ctx.get("@context"), list) else local_ctx
    ctxs = ctxs if isinstance(ctxs, list) else [ctxs]
    if ctxs and isinstance(ctxs[0], dict) and isinstance(ctxs[0].get("@propagate"), bool):
        propagate = ctxs[0]["@propagate"]
    memo_key = None
    if (cycles is None and getattr(self, "_memo", False) and type(active_ctx) is frozendict
            and "_uuid" in active_ctx):
        memo_key = _context_memo_key(active_ctx, local_ctx, options, override_protected, propagate, validate_scoped)
        entry = _CONTEXT_MEMO.get(memo_key) if memo_key is not None else None
        if entry is not None and (entry[0] is None or entry[0] is local_ctx):
            return entry[1]
    if ctxs and not propagate and not active_ctx.get("previousContext") and "_uuid" in active_ctx:
        clone = self._clone_active_context(active_ctx)
        clone["previousContext"] = active_ctx
        clone["_uuid"] = f"{active_ctx['_uuid']}/non-propagated"
        active_ctx = clone
    processed = _pyld_process_context(self, active_ctx, local_ctx, options, override_protected, propagate,
                                      validate_scoped, cycles)
    if memo_key is not None and type(processed) is frozendict:
        if len(_CONTEXT_MEMO) >= _CONTEXT_MEMO_SIZE:
            _CONTEXT_MEMO.clear()
        _CONTEXT_MEMO[memo_key] = (local_ctx if memo_key[1][0] == "object" else None, processed)
    return processed


# Processed contexts, by the frozen context they were processed on (its ``_uuid``), the local
# context and the flags: what pyld returns from its own cache of processed contexts, without
# resolving the local context and cloning the active one again (for a type-scoped context,
# on every typed node). Only while expanding plain JSON with our loader (``_Processor._memo``):
# shipped contexts, never changed. A local context that is a list of URLs is known by its
# URLs; an object (a type-scoped context of a shipped context, or one written in the
# document) by its identity: the entry holds it, so no other object can take its id, and a
# hit must be that very object.
_CONTEXT_MEMO: dict[tuple, tuple[Any, Any]] = {}
_CONTEXT_MEMO_SIZE = 4096


def _context_memo_key(active_ctx, local_ctx, options, override_protected, propagate, validate_scoped):
    if isinstance(local_ctx, str):
        local = ("url", local_ctx)
    elif type(local_ctx) is list and all(type(item) is str for item in local_ctx):
        local = ("urls", *local_ctx)
    elif isinstance(local_ctx, (dict, frozendict, list)):
        local = ("object", id(local_ctx))
    else:
        return None
    return (active_ctx["_uuid"], local, bool(override_protected), bool(propagate), bool(validate_scoped),
            options.get("base"), options.get("processingMode"))


jsonld.JsonLdProcessor._process_context = _process_context_with_stable_clone


class ContextNotAvailableError(Exception):
    """A document referenced a JSON-LD context that is not shipped with the engine."""


class UndefinedTermError(ValueError):
    """A document uses a term that none of its contexts define (it would vanish when signed)."""

    def __init__(self, term: str):
        super().__init__(f"Undefined JSON-LD term: {term!r}")
        self.term = term


@cache
def _load_context(url: str) -> dict[str, Any]:
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def context_document(url: str) -> dict[str, Any]:
    """The shipped context for ``url`` (a copy), or ContextNotAvailableError."""
    if url not in CONTEXT_FILES:
        raise ContextNotAvailableError(f"JSON-LD context not available offline: {url}")
    return copy.deepcopy(_load_context(url))


# Contexts a verifier fetched beforehand (through its safe fetcher) for the document
# it is checking: canonicalisation itself still never touches the network.
_EXTRA_CONTEXTS: ContextVar[Mapping[str, dict[str, Any]] | None] = ContextVar("extra_contexts", default=None)


@contextmanager
def extra_contexts(contexts: Mapping[str, dict[str, Any]]) -> Iterator[None]:
    """Make ``contexts`` (url -> context document) loadable while inside the block."""
    token = _EXTRA_CONTEXTS.set(contexts)
    try:
        yield
    finally:
        _EXTRA_CONTEXTS.reset(token)


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld document loader: shipped contexts only, never the network."""
    if url not in CONTEXT_FILES:
        extra = _EXTRA_CONTEXTS.get() or {}
        if url in extra:
            # No "static" tag: pyld must not keep a fetched context beyond this document.
            return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json",
                    "document": extra[url]}
        raise ContextNotAvailableError(f"JSON-LD context not available offline: {url}")
    # pyld does not mutate loaded documents and caches resolved contexts by URL,
    # so handing out the cached object is safe and avoids a deep copy per call.
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": _load_context(url),
        # "static" lets pyld keep the processed context in its shared LRU cache
        # instead of re-processing it on every call (the bulk of signing time).
        "tag": "static",
    }


# pyld 3.x resolves relative IRIs against "http://example.org/base/" when the
# base is "", whereas jsonld.js leaves them relative and drops them from RDF.
# An explicit None base gives the jsonld.js behaviour, so signatures made by
# other Data Integrity stacks canonicalise identically here.
_BASE = None

# 1EdTech type names that no published context defines; every stack drops
# them from the RDF, so they are never covered by a signature but are allowed.
# We never sign a type no context defines: strict verifiers would refuse it.
ALLOWED_RELATIVE_TYPES: frozenset[str] = frozenset()


def _options() -> dict[str, Any]:
    return {"documentLoader": document_loader, "base": _BASE}


def expand(document: dict[str, Any]) -> list[Any]:
    return jsonld.expand(document, _options())


# Expanded node objects, by everything pyld's ``_expand`` reads: the active (and
# type-scoped) context, the property, the list/index flags, the options that matter
# and the node itself as JSON. Credentials of one badge repeat the same issuer,
# achievement, criteria, image and schema, so most of a credential expands once per
# process. Contexts are known by the ``_uuid`` pyld gives each processed context
# (unique, and what pyld's own caches of processed contexts are keyed by); an entry
# does not keep the context alive. A different node, context or option is a
# different key. About 1.5 KiB an entry.
EXPANSION_CACHE_SIZE = 512


class _ExpansionCache:
    """A bounded LRU (``maxsize`` entries), safe across threads."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: tuple) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def cache_clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


expansion_cache = _ExpansionCache(EXPANSION_CACHE_SIZE)


def clear_caches() -> None:
    """Forget every expansion this module remembers (node objects, IRIs, processed contexts)."""
    expansion_cache.cache_clear()
    _IRI_MEMO.clear()
    _CONTEXT_MEMO.clear()
    _SLOT_MISSES.clear()
    shape_templates.cache_clear()


def _node_key(element: dict[str, Any]) -> str | None:
    try:
        return json.dumps(element, ensure_ascii=False, allow_nan=False, default=_not_json)
    except (TypeError, ValueError):
        return None


def _not_json(value: Any) -> Any:
    raise TypeError(type(value).__name__)


class _NotPlainJson(Exception):
    pass


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_copy(value: Any, seen: set[int]) -> Any:
    """A deep copy of ``value`` if it is plain JSON (dicts with str keys, lists, str, int,
    float, bool, None, of exactly those types, no container reached twice), else
    _NotPlainJson. For plain JSON it is what ``copy.deepcopy`` makes (scalars are
    immutable, deepcopy hands them back too), several times faster."""
    kind = type(value)
    if kind is dict:
        if id(value) in seen:
            raise _NotPlainJson
        seen.add(id(value))
        copied = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlainJson
            copied[key] = _plain_copy(item, seen) if type(item) in (dict, list) else _plain_scalar(item)
        return copied
    if kind is list:
        if id(value) in seen:
            raise _NotPlainJson
        seen.add(id(value))
        return [_plain_copy(item, seen) if type(item) in (dict, list) else _plain_scalar(item) for item in value]
    return _plain_scalar(value)


def _plain_scalar(value: Any) -> Any:
    # A tuple too is refused: json.dumps (our node keys) would write it as a list, which
    # pyld does not read as one.
    if type(value) not in _JSON_SCALARS:
        raise _NotPlainJson
    return value


def plain_json_copy(value: Any) -> Any:
    """``_plain_copy`` or None (not plain JSON)."""
    try:
        return _plain_copy(value, set())
    except (_NotPlainJson, RecursionError):
        return None


# The document ``_Processor.expand`` has just copied for pyld, which pyld would copy again
# (``copy.deepcopy`` of its input, first thing in ``expand``): nobody else holds it.
_FRESH_COPY: ContextVar[Any] = ContextVar("fresh_copy", default=None)


class _CopyForPyld:
    """The ``copy`` module as pyld's jsonld module sees it: a deep copy of the document we
    have just copied ourselves is that copy; everything else is ``copy.deepcopy``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        fresh = _FRESH_COPY.get()
        if fresh is not None and value is fresh:
            _FRESH_COPY.set(None)  # once: pyld copies its input once
            return value
        return copy.deepcopy(value, memo)


jsonld.copy = _CopyForPyld()


class _CopyForCanon:
    """The ``copy`` module as pyld's URDNA2015 sees it: it deep-copies a blank node term
    ({"type": "blank node", "value": label}) for each quad it hashes; of a dict holding only
    strings a shallow copy is the deep copy (strings are immutable, deepcopy hands them back)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        if type(value) is dict:
            for key, item in value.items():
                if type(key) is not str or type(item) is not str:
                    break
            else:
                return dict(value)
        return copy.deepcopy(value, memo)


pyld_canon.copy = _CopyForCanon()

# pyld's own test, with its pattern compiled once (``re.match`` looks the pattern up in
# re's cache on every call; pyld calls it for every subject, predicate and object). Every
# caller in pyld reads the result as true or false.
_ABSOLUTE_IRI = re.compile(r'^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$')
if _ABSOLUTE_IRI.pattern not in jsonld._is_absolute_iri.__code__.co_consts:
    raise ImportError("pyld changed _is_absolute_iri: review the copy below")


_ABSOLUTE_IRI_MEMO: dict[str, Any] = {}


def _is_absolute_iri(v: Any) -> Any:
    # Remembered by string: the same few IRIs are asked about for every quad.
    if not isinstance(v, str):
        return False
    try:
        return _ABSOLUTE_IRI_MEMO[v]
    except KeyError:
        pass
    if len(_ABSOLUTE_IRI_MEMO) >= 10_000:
        _ABSOLUTE_IRI_MEMO.clear()
    found = _ABSOLUTE_IRI_MEMO[v] = _ABSOLUTE_IRI.match(v)
    return found


jsonld._is_absolute_iri = _is_absolute_iri

# pyld asks of every literal whether it is an integer or a double (``isinstance`` against the
# ``numbers`` ABCs, slow); a str is neither, whatever pyld then does.
_pyld_is_integer, _pyld_is_double = jsonld._is_integer, jsonld._is_double


def _is_integer(v: Any) -> bool:
    return False if type(v) is str else _pyld_is_integer(v)


def _is_double(v: Any) -> bool:
    return False if type(v) is str else _pyld_is_double(v)


jsonld._is_integer, jsonld._is_double = _is_integer, _is_double

# pyld's keyword test scans its list of 29 keywords; a set answers the same for a str.
_KEYWORDS = frozenset(jsonld.KEYWORDS)
_pyld_is_keyword = jsonld._is_keyword


def _is_keyword(v: Any) -> bool:
    return v in _KEYWORDS if type(v) is str else _pyld_is_keyword(v)


jsonld._is_keyword = _is_keyword


# Expanded IRIs, by processed context, value and flags: ``_expand_iri`` is a pure function
# of those when it is given no local context (it then only reads the context's mappings,
# @vocab and @base). Only frozen contexts (what pyld's context processing returns, never
# changed afterwards; a context being built is a plain dict) are known by their ``_uuid``,
# which pyld draws afresh for each (uuid1).
class _Memo(dict):
    def cache_clear(self) -> None:
        self.clear()


_IRI_MEMO: _Memo = _Memo()
_IRI_MEMO_SIZE = 10_000  # a few MiB at most: unique ids (one per credential) fill it, then it starts again


# Misses in a row, by the place a node object sits (context, type-scoped context, property):
# after _HOPELESS of them the place is left to pyld alone, but for one try in _RETRY_EVERY
# (a hit starts the count again). Only what we remember changes, never what pyld returns.
_SLOT_MISSES: dict[tuple, int] = {}
_HOPELESS = 8
_RETRY_EVERY = 64


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor, remembering the expansion of node objects (see above)."""

    _memo = False

    def expand(self, input_, options):
        # Node objects handed back from the cache, by identity: (the object, its first relative type).
        self._checked: dict[int, tuple[Any, str | None]] = {}
        # Only plain JSON is remembered (see ``_plain_copy``); contexts fetched for one
        # document are not ours to keep.
        copied = plain_json_copy(input_) if isinstance(input_, (dict, list)) else None
        self._memo = (options.get("documentLoader") is document_loader and _EXTRA_CONTEXTS.get() is None
                      and copied is not None)
        if copied is None:
            return super().expand(input_, options)
        token = _FRESH_COPY.set(copied)
        try:
            return super().expand(copied, options)
        finally:
            _FRESH_COPY.reset(token)

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        if local_ctx is not None or defined is not None or type(active_ctx) is not frozendict \
                or type(value) is not str or "_uuid" not in active_ctx:
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (active_ctx["_uuid"], value, base, vocab)
        try:
            return _IRI_MEMO[key]
        except KeyError:
            pass
        expanded = super()._expand_iri(active_ctx, value, base, vocab)
        if len(_IRI_MEMO) >= _IRI_MEMO_SIZE:
            _IRI_MEMO.clear()
        _IRI_MEMO[key] = expanded
        return expanded

    def _expand(self, active_ctx, active_property, element, options, inside_list=False,
                inside_index=False, type_scoped_ctx=None):
        expand = super()._expand
        # The top node is left out: it is the credential itself, unique (its id), and the
        # largest to serialise.
        if (not self._memo or active_property is None or not isinstance(element, dict)
                or "_uuid" not in active_ctx or (type_scoped_ctx is not None and "_uuid" not in type_scoped_ctx)
                or options.get("documentLoader") is not document_loader):
            return expand(active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx)
        slot = (active_ctx["_uuid"], type_scoped_ctx["_uuid"] if type_scoped_ctx is not None else None,
                active_property)
        misses = _SLOT_MISSES.get(slot, 0)
        if misses >= _HOPELESS and (misses - _HOPELESS) % _RETRY_EVERY:
            # This property's node differs every time (a recipient, a status entry): pyld
            # expands it, as it would without us, and we neither serialise nor store it.
            _SLOT_MISSES[slot] = misses + 1
            return expand(active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx)
        node = _node_key(element)
        if node is None:
            return expand(active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx)
        key = (*slot, bool(inside_list), bool(inside_index), options.get("base"),
               bool(options.get("isFrame")), options.get("processingMode"),
               bool(options.get("keepFreeFloatingNodes")), node)
        entry = expansion_cache.get(key)
        if len(_SLOT_MISSES) >= 10_000:
            _SLOT_MISSES.clear()
        if entry is None:
            _SLOT_MISSES[slot] = misses + 1
        elif misses:
            _SLOT_MISSES.pop(slot, None)
        if entry is not None:
            for term in entry[0]:
                self.on_property_dropped(term)
            # A fresh copy: pyld may change what it is given back.
            expanded = json.loads(entry[1])
            # What the strict check would find in it (pyld adds it to the node above as is).
            self._checked[id(expanded)] = (expanded, entry[2])
            return expanded
        outer, dropped = self.on_property_dropped, []

        def record(term):
            dropped.append(term)
            outer(term)

        self.on_property_dropped = record
        try:
            expanded = expand(active_ctx, active_property, element, options, inside_list, inside_index,
                              type_scoped_ctx)
        finally:
            self.on_property_dropped = outer
        value = _node_key(expanded) if isinstance(expanded, (dict, list)) else None
        if value is not None:
            # Stored as JSON text, before pyld goes on with the value: nobody can change the entry.
            expansion_cache.put(key, (tuple(dropped), value, _relative_types(expanded)))
        return expanded


class _StrictProcessor(_Processor):
    """Processor that refuses documents whose terms or types would be dropped.

    Checking inside ``expand`` lets canonicalisation expand only once.
    """

    def __init__(self) -> None:
        self.dropped: list[str | None] = []
        super().__init__(on_property_dropped=self.dropped.append)

    def expand(self, input_, options):
        expanded = super().expand(input_, options)
        if self.dropped:
            raise UndefinedTermError(str(self.dropped[0]))
        bad_type = _relative_types(expanded, self._checked)
        if bad_type:
            raise UndefinedTermError(bad_type)
        return expanded


# Canonical forms by shape. Documents of one shape -- the same keys, types, contexts,
# numbers, booleans and nulls in the same places; only their strings differ, as in a batch
# of one badge for many people -- expand to the same RDF but for those strings. The first
# document of a shape is left to pyld (most shapes come once: a verifier's). With the second,
# pyld turns the document into RDF with each of its strings replaced by a sentinel IRI of its
# own; the quads in which a sentinel is a whole term make the template. That document and
# every later one of the shape put their strings where the sentinels were and go straight
# to URDNA2015, whose result depends on neither the blank node labels nor the order of the
# quads. A string lands in RDF the same way whatever it says, with one exception: in an IRI
# place, pyld keeps as it is only an absolute IRI that is neither a term nor a compact IRI
# (anything else it expands, resolves, turns into a blank node or drops; see ``_kept_iri``).
# Those strings are kept in a variant of the template, made by pyld with them as they are,
# for the documents that have the same strings there (a term such as "assertionMethod"
# repeats); strings there that differ every time leave the shape to pyld. Two nodes whose
# ids turn out equal are one node to pyld, with the values of both once each: their quads,
# once each. A shape where a sentinel is only part of a term (a JSON literal) or names a
# graph, that has a context written inline or an @index, or that pyld refuses, is always left
# to pyld. Contexts are all shipped files (see ``document_loader``): a shape's contexts never
# change while the process lives.

_SLOT = f"https://{secrets.token_hex(8)}.slot.invalid/"
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*\Z")


def _kept_iri(value: str) -> bool:
    """Whether pyld keeps ``value``, in an IRI place of a document whose contexts are shipped
    ones, as it is: an absolute IRI (``_ABSOLUTE`` is stricter than pyld's test) that is not a
    term and whose scheme is not a term either (else it would be a compact IRI), unless
    "//" follows the scheme (pyld then keeps it without looking the scheme up)."""
    if not _ABSOLUTE.match(value) or value in _TERMS:
        return False
    scheme, rest = value.split(":", 1)
    return rest[:2] == "//" or scheme not in _TERMS


# Keywords whose value is made of node objects or values, walked like properties.
_WALKED_KEYWORDS = frozenset({"@id", "@value", "@graph", "@list", "@set", "@included", "@reverse", "@nest"})
_STRING = "\x00s"  # the token of a string in a shape (never a key tuple, a number token or a context)


def _shipped_terms() -> tuple[frozenset[str], frozenset[str]]:
    """(every term the shipped contexts define, those of them that alias a keyword whose
    value is part of a shape, such as "type" for "@type")."""
    terms: set[str] = set()
    aliases: set[str] = set()

    def walk(ctx: Any) -> None:
        if isinstance(ctx, list):
            for item in ctx:
                walk(item)
        elif isinstance(ctx, dict):
            for term, definition in ctx.items():
                if term.startswith("@"):
                    continue
                terms.add(term)
                target = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(target, str) and target.startswith("@") and target not in _WALKED_KEYWORDS:
                    aliases.add(term)
                if isinstance(definition, dict) and "@context" in definition:
                    walk(definition["@context"])

    for url in CONTEXT_FILES:
        walk(_load_context(url).get("@context"))
    return frozenset(terms), frozenset(aliases)


_TERMS, _SHAPE_ALIASES = _shipped_terms()


class _NoShape(Exception):
    pass


def _shape(value: Any, tokens: list, strings: list[str], build: bool, keep: frozenset[int] = frozenset()) -> Any:
    """Append ``value``'s shape to ``tokens`` and its strings to ``strings`` (in the same
    order); with ``build``, return a copy of ``value`` with each of those strings replaced by
    its sentinel, but for the strings numbered in ``keep``. _NoShape if ``value`` is not plain
    JSON or holds an inline context or an @index."""
    kind = type(value)
    if kind is str:
        tokens.append(_STRING)
        strings.append(value)
        if not build:
            return None
        slot = len(strings) - 1
        return value if slot in keep else f"{_SLOT}{slot}"
    if kind is dict:
        keys = tuple(value)
        tokens.append(keys)
        copied = {} if build else None
        for key, item in value.items():
            if type(key) is not str or key == "@index":
                raise _NoShape  # an index makes two equal values two quads to pyld
            if _is_fixed_key(key):
                token = _fixed(item, key == "@context")
                tokens.append(token)
                if build:
                    copied[key] = item
            else:
                found = _shape(item, tokens, strings, build, keep)
                if build:
                    copied[key] = found
        return copied
    if kind is list:
        tokens.append(("[", len(value)))
        items = [_shape(item, tokens, strings, build, keep) for item in value]
        return items if build else None
    if kind is float:
        if not math.isfinite(value):
            raise _NoShape
        tokens.append((float, repr(value)))  # -0.0 and 0.0 are equal, not the same literal
        return value
    if kind in (int, bool) or value is None:
        tokens.append((kind, value))
        return value
    raise _NoShape


def _is_fixed_key(key: str) -> bool:
    """Whether the value of ``key`` is part of a shape (see ``_shape``)."""
    return key == "@context" or (key[:1] == "@" and key not in _WALKED_KEYWORDS) or key in _SHAPE_ALIASES


_FIXED_KEYS: dict[str, bool] = {}


def _shape_of(value: Any, tokens: list, strings: list[str]) -> None:
    """``_shape`` without the copy, faster (strings are handled in their container's loop):
    ``_make_template`` checks that both say the same of the document it is given."""
    kind = type(value)
    if kind is dict:
        tokens.append(tuple(value))
        for key, item in value.items():
            fixed = _FIXED_KEYS.get(key)
            if fixed is None:
                if type(key) is not str or key == "@index":
                    raise _NoShape
                if len(_FIXED_KEYS) >= 10_000:
                    _FIXED_KEYS.clear()
                fixed = _FIXED_KEYS[key] = _is_fixed_key(key)
            if fixed:
                tokens.append(_fixed(item, key == "@context"))
            elif type(item) is str:
                tokens.append(_STRING)
                strings.append(item)
            else:
                _shape_of(item, tokens, strings)
    elif kind is list:
        tokens.append(("[", len(value)))
        for item in value:
            if type(item) is str:
                tokens.append(_STRING)
                strings.append(item)
            else:
                _shape_of(item, tokens, strings)
    else:
        _shape(value, tokens, strings, build=False)


def _fixed(value: Any, is_context: bool) -> tuple:
    """The token of a value that is part of a shape (a context, a type, a language…)."""
    if type(value) is str:
        return ("=", value)
    if type(value) is list and all(type(item) is str for item in value):
        return ("=", *value)
    if is_context:
        raise _NoShape  # an inline context (or not JSON-LD at all): pyld's
    try:
        return ("json", json.dumps(value, allow_nan=False, default=_not_json))
    except (TypeError, ValueError):
        raise _NoShape from None


_SHARED, _COPIED, _FILLED = 0, 1, 2  # how ``fill`` makes a term of a template (see ``_term_of``)


class _Template:
    """The RDF of one shape, with the places of its strings (see above)."""

    __slots__ = ("graphs", "iri_slots", "quads", "variants")

    def __init__(self, graphs: list, iri_slots: frozenset[int]) -> None:
        # graphs: [(graph name, [(subject, predicate, object) as _term_of makes them],
        #           the triples that may turn out equal to another, by position)]
        self.graphs = graphs
        self.iri_slots = iri_slots
        self.quads = sum(len(triples) for _, triples, _ in graphs)
        # Templates of this shape made with the strings of some IRI places left as they are
        # (a term such as "assertionMethod", a compact IRI): by those places and strings.
        self.variants: dict[tuple, _Template | object] = {}

    def not_kept(self, strings: list[str]) -> tuple[int, ...]:
        """The IRI places whose string pyld would not keep as it is."""
        return tuple(slot for slot in self.iri_slots if not _kept_iri(strings[slot]))

    def fill(self, strings: list[str]) -> dict[str, list]:
        """The RDF dataset of the document whose strings are ``strings`` (``not_kept`` empty)."""
        dataset: dict[str, list] = {}
        for name, triples, may_repeat in self.graphs:
            filled = []
            for (s_how, s_part, s_slot), (_, predicate, _), (o_how, o_part, o_slot) in triples:
                # URDNA2015 changes blank node terms only (it relabels them): others are shared.
                if s_how == _SHARED:
                    subject = s_part
                else:
                    subject = dict(s_part)
                    if s_how == _FILLED:
                        subject["value"] = strings[s_slot]
                if o_how == _SHARED:
                    obj = o_part
                else:
                    obj = dict(o_part)
                    if o_how == _FILLED:
                        obj["value"] = strings[o_slot]
                filled.append({"subject": subject, "predicate": predicate, "object": obj})
            if may_repeat:
                # Nodes with the same id are one node to pyld, and a value it already has is
                # not added again: the same quad twice is once.
                seen: set[tuple] = set()
                repeated = []
                for position in may_repeat:
                    subject, predicate, obj = filled[position].values()
                    key = (subject["value"], predicate["value"], obj["type"], obj["value"], obj.get("datatype"),
                           obj.get("language"))
                    if key in seen:
                        repeated.append(position)
                    seen.add(key)
                for position in reversed(repeated):
                    del filled[position]
            dataset[name] = filled
        return dataset


_COMPONENTS = ("subject", "predicate", "object")


def _term_of(term: dict[str, str]) -> tuple[int, dict[str, str], int]:
    """(how, part, slot): a term shared by every fill, a blank node copied (URDNA2015 relabels
    it in place), or a term whose value is the string ``slot``; _NoShape if a sentinel is
    somewhere else than a whole IRI or literal."""
    if any(_slot_of(value) != -1 for key, value in term.items() if key != "value"):
        raise _NoShape
    slot = _slot_of(term["value"])
    if slot < 0:
        return (_COPIED if term["type"] == "blank node" else _SHARED), term, -1
    if term["type"] not in ("IRI", "literal"):
        raise _NoShape
    return _FILLED, {key: value for key, value in term.items() if key != "value"}, slot


def _may_equal(a: tuple, b: tuple) -> bool:
    """Whether two template terms may be the same term once filled."""
    (how_a, part_a, _), (how_b, part_b, _) = a, b
    if _FILLED not in (how_a, how_b):
        return part_a == part_b
    if _COPIED in (how_a, how_b):
        return False  # a string never becomes a blank node label
    if how_a == how_b:
        return part_a == part_b  # the same kind of term (IRI, or literal of one datatype and language)
    fixed, filled = (part_b, part_a) if how_a == _FILLED else (part_a, part_b)
    return filled == {key: value for key, value in fixed.items() if key != "value"}


def _may_repeat(triples: list[tuple]) -> tuple[int, ...]:
    """The positions of the triples that may turn out equal to another one once filled."""
    found: set[int] = set()
    for i, (s1, p1, o1) in enumerate(triples):
        for j in range(i + 1, len(triples)):
            s2, p2, o2 = triples[j]
            if p1[1] == p2[1] and _may_equal(s1, s2) and _may_equal(o1, o2):
                found.update((i, j))
    return tuple(sorted(found))


def _slot_of(value: Any) -> int:
    """The slot a sentinel stands for, -1 if ``value`` holds none; _NoShape if it holds one
    only in part."""
    if type(value) is not str or _SLOT not in value:
        return -1
    number = value[len(_SLOT):]
    if not value.startswith(_SLOT) or not number.isdigit() or f"{_SLOT}{int(number)}" != value:
        raise _NoShape
    return int(number)


def _make_template(document: Any, strict: bool, keep: frozenset[int] = frozenset()) -> _Template | None:
    tokens: list = []
    strings: list[str] = []
    with_sentinels = _shape(document, tokens, strings, build=True, keep=keep)
    fast_tokens: list = []
    fast_strings: list[str] = []
    _shape_of(document, fast_tokens, fast_strings)
    if (fast_tokens, fast_strings) != (tokens, strings):
        return None
    processor = _StrictProcessor() if strict else _Processor()
    options = {"documentLoader": document_loader, "base": _BASE, "algorithm": "URDNA2015",
               "produceGeneralizedRdf": False}
    try:
        dataset = processor.to_rdf(with_sentinels, options)
    except Exception:  # noqa: BLE001 - pyld (or the strict check) refuses the shape: canonize says why
        return None
    graphs = []
    try:
        for name, triples in dataset.items():
            if _slot_of(name) != -1:
                raise _NoShape
            compiled = [tuple(_term_of(triple[component]) for component in _COMPONENTS) for triple in triples]
            if any(predicate[0] != _SHARED for _, predicate, _ in compiled):
                raise _NoShape
            graphs.append((name, compiled, _may_repeat(compiled)))
    except _NoShape:
        return None
    iri_slots = {slot for _, compiled, _ in graphs for triple in compiled for how, part, slot in triple
                 if how == _FILLED and part["type"] == "IRI"}
    return _Template(graphs, frozenset(iri_slots))


TEMPLATE_CACHE_SIZE = 256
TEMPLATE_QUADS = 100_000  # quads all templates hold at most (some tens of MiB): the least recently used go first
_VARIANTS = 8
_MAX_STRINGS = 2_000  # a larger document is pyld's
_SEEN_ONCE = object()
by_shape_count = [0]  # documents canonicalised from a template (read by tests and bench/)
_NO_TEMPLATE = object()
_TEMPLATES: OrderedDict[tuple, Any] = OrderedDict()
_TEMPLATES_LOCK = threading.Lock()
_CACHED_QUADS = [0]


class _TemplatesHandle:
    """What the bench scripts and tests empty: every template (see above)."""

    @staticmethod
    def cache_clear() -> None:
        with _TEMPLATES_LOCK:
            _TEMPLATES.clear()
            _CACHED_QUADS[0] = 0


shape_templates = _TemplatesHandle()


def _quads_of(entry: Any) -> int:
    if not isinstance(entry, _Template):
        return 0
    return entry.quads + sum(_quads_of(variant) for variant in entry.variants.values())


def _trim_templates() -> None:
    """Forget the least recently used shapes beyond the bounds (lock held)."""
    while _TEMPLATES and (len(_TEMPLATES) > TEMPLATE_CACHE_SIZE or _CACHED_QUADS[0] > TEMPLATE_QUADS):
        _, entry = _TEMPLATES.popitem(last=False)
        _CACHED_QUADS[0] -= _quads_of(entry)


def _canonize_by_shape(document: Any, strict: bool) -> str | None:
    """The canonical N-Quads of ``document`` from its shape's template, or None (pyld's turn)."""
    if _EXTRA_CONTEXTS.get() is not None:
        return None  # contexts a verifier fetched: not ours to trust between two calls
    tokens: list = []
    strings: list[str] = []
    try:
        _shape_of(document, tokens, strings)
    except (_NoShape, RecursionError):
        return None
    if len(strings) > _MAX_STRINGS:
        return None
    key = (strict, tuple(tokens))
    with _TEMPLATES_LOCK:
        template = _TEMPLATES.get(key)
        if template is None:
            # The first document of a shape is pyld's: most shapes come once (a verifier's),
            # a template pays from the second document on (a batch).
            _TEMPLATES[key] = _SEEN_ONCE
            _trim_templates()
            return None
        _TEMPLATES.move_to_end(key)
    if template is _SEEN_ONCE:
        template = _make_template(document, strict) or _NO_TEMPLATE
        with _TEMPLATES_LOCK:
            if _TEMPLATES.get(key) is _SEEN_ONCE:
                _TEMPLATES[key] = template
                _CACHED_QUADS[0] += _quads_of(template)
                _trim_templates()
    if template is _NO_TEMPLATE:
        return None
    not_kept = template.not_kept(strings)
    if not_kept:
        # A variant with those strings as they are, for the next documents that have them.
        variant_key = tuple((slot, strings[slot]) for slot in not_kept)
        with _TEMPLATES_LOCK:
            variant = template.variants.get(variant_key)
        if variant is None:
            if len(template.variants) >= _VARIANTS:
                return None  # those strings differ every time: pyld's
            variant = _make_template(document, strict, keep=frozenset(not_kept)) or _NO_TEMPLATE
            with _TEMPLATES_LOCK:
                if _TEMPLATES.get(key) is template and variant_key not in template.variants:
                    template.variants[variant_key] = variant
                    _CACHED_QUADS[0] += _quads_of(variant)
                    _trim_templates()
        if variant is _NO_TEMPLATE or variant.not_kept(strings):
            return None
        template = variant
    dataset = template.fill(strings)
    by_shape_count[0] += 1
    return pyld_canon.URDNA2015().main(dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"})


def canonize(document: dict[str, Any] | list[Any], *, strict: bool = False) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document.

    ``strict``: raise UndefinedTermError rather than silently drop undefined
    terms (use when signing; a verifier must accept what the signer hashed).
    """
    by_shape = _canonize_by_shape(document, strict)
    if by_shape is not None:
        return by_shape
    processor = _StrictProcessor() if strict else _Processor()
    try:
        return processor.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "base": _BASE,
            },
        )
    except jsonld.JsonLdError as exc:
        # pyld wraps everything; surface our own errors unchanged
        cause = exc
        while cause is not None:
            if isinstance(cause, (UndefinedTermError, ContextNotAvailableError)):
                raise cause from None
            cause = cause.__cause__
        raise


_CONTAINERS = (list, dict)
_NODE_KEYWORDS = ("@graph", "@list", "@set", "@included")


def _relative_types(expanded: Any, checked: dict[int, tuple[Any, str | None]] | None = None) -> str | None:
    """The first type of ``expanded`` that is not an absolute IRI (none of its contexts defines it).
    ``checked``: the answer for objects already looked at, by identity."""
    if checked:
        known = checked.get(id(expanded))
        if known is not None and known[0] is expanded:
            return known[1]
    # Only lists and objects can hold a type: strings and numbers are not visited.
    if isinstance(expanded, list):
        for item in expanded:
            if isinstance(item, _CONTAINERS):
                found = _relative_types(item, checked)
                if found:
                    return found
        return None
    if isinstance(expanded, dict):
        if "@value" not in expanded:
            for type_ in expanded.get("@type", []):
                if ":" not in type_ and type_ not in ALLOWED_RELATIVE_TYPES:
                    return type_
        for key, item in expanded.items():
            if not isinstance(item, _CONTAINERS) or (key.startswith("@") and key not in _NODE_KEYWORDS):
                continue
            found = _relative_types(item, checked)
            if found:
                return found
    return None


def expand_strict(document: dict[str, Any]) -> list[Any]:
    """Expand ``document``, raising UndefinedTermError if any property or type would be dropped.

    pyld silently drops properties that no context defines, and relative type
    IRIs vanish from the RDF, so a signature would not cover them.
    """
    dropped: list[str | None] = []
    expanded = jsonld.expand(document, _options(), on_property_dropped=dropped.append)
    if dropped:
        raise UndefinedTermError(str(dropped[0]))
    bad_type = _relative_types(expanded)
    if bad_type:
        raise UndefinedTermError(bad_type)
    return expanded
