"""Shared inputs for engine tests: an issuer, a badge, an assertion, and a fake web."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from badges.openbadges.data import (
    AlignmentData,
    AssertionData,
    BadgeClassData,
    EvidenceData,
    IssuerData,
    StatusEntryData,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SITE = "https://badgehub.example"
ISSUER_ID = f"{SITE}/issuers/fablab"
KEY_URL = f"{ISSUER_ID}/keys/1"
STATUS_URL = f"{SITE}/status/1"


def issuer(**overrides) -> IssuerData:
    values = dict(
        id=ISSUER_ID,
        name="Fab Lab de Lyon",
        url="https://fablab.example",
        email="contact@fablab.example",
        description="Atelier de fabrication",
        image=f"{SITE}/media/fablab.png",
        public_key_urls=(KEY_URL,),
        revocation_list=f"{ISSUER_ID}/revocations",
    )
    values.update(overrides)
    return IssuerData(**values)


def badge(**overrides) -> BadgeClassData:
    values = dict(
        id=f"{SITE}/badges/soudure",
        name="Soudure à l'arc",
        description="Sait souder à l'arc",
        image=f"{SITE}/media/soudure.png",
        issuer=issuer(),
        criteria_narrative="Souder trois pièces",
        alignments=(
            AlignmentData("Soudeur", "https://rome.example/H2913", target_framework="ROME", target_code="H2913"),
        ),
        tags=("métal",),
        achievement_type="Badge",
    )
    values.update(overrides)
    return BadgeClassData(**values)


def assertion(**overrides) -> AssertionData:
    values = dict(
        id=f"{SITE}/assertions/a1",
        badge=badge(),
        recipient_email="alice@example.org",
        salt="pepper",
        issued_on=datetime(2025, 1, 10, tzinfo=UTC),
        evidence=(
            EvidenceData(id="https://portfolio.example/alice/1", narrative="Photos", name="Portfolio", genre="Photo"),
        ),
        narrative="Trois soudures réussies",
    )
    values.update(overrides)
    return AssertionData(**values)


def status_entry(index: int = 7) -> StatusEntryData:
    return StatusEntryData(STATUS_URL, index)


class FakeWeb:
    """dict-backed ``fetch``: url -> JSON-able value, bytes, or (status, ctype, bytes)."""

    def __init__(self, pages: dict | None = None):
        self.pages = dict(pages or {})
        self.requested: list[str] = []

    def __setitem__(self, url, value):
        self.pages[url] = value

    def __call__(self, url: str):
        self.requested.append(url)
        if url not in self.pages:
            return 404, "text/plain", b"not found"
        value = self.pages[url]
        if isinstance(value, tuple):
            return value
        if isinstance(value, bytes):
            return 200, "application/octet-stream", value
        return 200, "application/ld+json", json.dumps(value).encode()
