"""Award e-mails of a chunk share their subject and sender: Django encodes each header of
each message again (``email.header.Header``, whose quoted-printable length test is
quadratic in pure Python: a fifth of a worker's CPU per badge on a French subject).

``forbid_multi_line_headers``, ``sanitize_address`` (and the standard library's folding of
headers when a message is written out, below) are pure functions of their
arguments (and of ``DEFAULT_CHARSET`` when no encoding is given): remembering their
results gives the very same header text, and the same exceptions (never remembered).
"""

from __future__ import annotations

from email._policybase import Compat32, compat32
from functools import lru_cache

from django.conf import settings
from django.core.mail import message
from django.core.mail.backends import smtp

_django_forbid_multi_line_headers = message.forbid_multi_line_headers
_django_sanitize_address = message.sanitize_address


@lru_cache(maxsize=1024)
def _forbid_multi_line_headers(name: str, val: str, encoding: str | None, default_charset: str) -> tuple[str, str]:
    return _django_forbid_multi_line_headers(name, val, encoding or default_charset)


def forbid_multi_line_headers(name, val, encoding):
    if type(name) is not str or (encoding is not None and type(encoding) is not str):
        return _django_forbid_multi_line_headers(name, val, encoding)
    # Django reads a lazy value as its text first, as here.
    return _forbid_multi_line_headers(name, str(val), encoding, settings.DEFAULT_CHARSET)


@lru_cache(maxsize=1024)
def _sanitize_address(addr: str | tuple, encoding: str | None) -> str:
    return _django_sanitize_address(addr, encoding)


def sanitize_address(addr, encoding):
    if type(addr) is str or (type(addr) is tuple and all(type(part) is str for part in addr)):
        return _sanitize_address(addr, encoding)
    return _django_sanitize_address(addr, encoding)  # a lazy string, or anything else: as Django does


# Writing the message out folds each header again (``Compat32._fold``, the policy Django's
# messages use): a pure function of the policy's line ending and length, the header and
# the sanitize flag, for a header held as text.
_stdlib_fold = Compat32._fold


@lru_cache(maxsize=1024)
def _fold_text(linesep: str, max_line_length: int | None, name: str, value: str, sanitize: bool) -> str:
    return _stdlib_fold(compat32.clone(linesep=linesep, max_line_length=max_line_length), name, value, sanitize)


def _fold(self, name, value, sanitize):
    if type(self) is Compat32 and type(name) is str and type(value) is str and type(sanitize) is bool:
        return _fold_text(self.linesep, self.max_line_length, name, value, sanitize)
    return _stdlib_fold(self, name, value, sanitize)


def install() -> None:
    message.forbid_multi_line_headers = forbid_multi_line_headers
    message.sanitize_address = sanitize_address
    smtp.sanitize_address = sanitize_address  # imported by name there
    Compat32._fold = _fold
