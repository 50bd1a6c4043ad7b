"""The header encodings a worker remembers (``badges/mail_headers.py``) write the very bytes
Django and the standard library write without them, on every subject, name and address a
person can type, and refuse a header injection every time."""

from __future__ import annotations

from contextlib import contextmanager
from email._policybase import Compat32

import pytest
from django.core.mail import EmailMultiAlternatives, message
from django.core.mail.backends import smtp
from hypothesis import given, settings
from hypothesis import strategies as st

from badges import mail_headers


@contextmanager
def _without_memo():
    saved = message.forbid_multi_line_headers, message.sanitize_address, smtp.sanitize_address, Compat32._fold
    message.forbid_multi_line_headers = mail_headers._django_forbid_multi_line_headers
    message.sanitize_address = smtp.sanitize_address = mail_headers._django_sanitize_address
    Compat32._fold = mail_headers._stdlib_fold
    try:
        yield
    finally:
        message.forbid_multi_line_headers, message.sanitize_address, smtp.sanitize_address, Compat32._fold = saved


def _bytes(subject: str, name: str, to: str) -> tuple[bytes, str, list[str]]:
    mail = EmailMultiAlternatives(subject=subject, body=f"Bonjour {name},\n", to=[to],
                                  from_email=f"{name} <noreply@badgehub.example>",
                                  headers={"Message-ID": "<email.1.2@badgehub.example>",
                                           "Date": "Tue, 02 Dec 2025 07:00:00 +0000"})
    mail.attach_alternative(f"<p>Bonjour {name}</p>", "text/html")
    envelope_to = [smtp.sanitize_address(addr, "utf-8") for addr in mail.recipients()]
    mime = mail.message()
    mime.set_boundary("frontiere")  # random otherwise
    return mime.as_bytes(), message.sanitize_address(mail.from_email, "utf-8"), envelope_to


def test_the_memo_is_installed_in_the_app():
    assert message.forbid_multi_line_headers is mail_headers.forbid_multi_line_headers
    assert smtp.sanitize_address is mail_headers.sanitize_address
    assert Compat32._fold is mail_headers._fold


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=120)


@settings(max_examples=60, deadline=None)
@given(subject=st.one_of(texts, st.sampled_from([
    "Vous avez reçu le badge « Soudure à l'arc » de Fab Lab de Lyon — félicitations !", "a" * 200,
    "Badge : " + "é" * 90, "=?utf-8?q?d=C3=A9j=C3=A0?=", " espaces  ", ""])),
       name=st.one_of(st.sampled_from(["Fab Lab", "Médiathèque d'Évry", 'Dit "bonjour"', "a,b", "😀 émoji"]),
                      texts.filter(lambda t: "<" not in t and ">" not in t)),
       local=st.sampled_from(["alice", "élodie", "a.b+c", "o'neil"]))
def test_messages_are_the_bytes_django_writes_without_the_memo(subject, name, local):
    to = f"{local}@example.org"
    try:
        ours = [_bytes(subject, name, to) for _ in range(2)]  # the second from the memo
    except Exception as exc:  # noqa: BLE001 - Django must refuse it the same way
        with _without_memo(), pytest.raises(type(exc)):
            _bytes(subject, name, to)
        return
    with _without_memo():
        theirs = _bytes(subject, name, to)
    assert ours == [theirs, theirs]


def test_a_header_injection_is_refused_every_time():
    for _ in range(3):
        with pytest.raises(message.BadHeaderError):
            EmailMultiAlternatives(subject="Bonjour\nBcc: tous@example.org", body="x", to=["a@example.org"]).message()
