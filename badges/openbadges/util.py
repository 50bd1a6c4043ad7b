from __future__ import annotations

import hashlib
from datetime import UTC, datetime


def iso_datetime(value: datetime) -> str:
    """XSD dateTime in UTC without microseconds, e.g. 2024-05-01T10:00:00Z."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: str) -> datetime:
    """Parse ISO 8601 / XSD dates, tolerating a 'Z' suffix and date-only values."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if len(text) == 10:
        text += "T00:00:00+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def hash_email(email: str, salt: str, algorithm: str = "sha256") -> str:
    """Open Badges hashed identity: '<alg>$' + hexdigest(normalised email + salt)."""
    digest = hashlib.new(algorithm, (email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"{algorithm}${digest}"


def iso_datetime_precise(value: datetime) -> str:
    """XSD dateTime in UTC keeping microseconds (when there are any): the moment a key
    was compromised is compared with signing moments at full precision."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if not value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
