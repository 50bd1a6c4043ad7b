"""Reads of the OB 3.0 API: what an application may see of the person who connected it."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model

from badges import selectors
from badges.models import ImportedBadge


@dataclass(frozen=True)
class CredentialEntry:
    """One badge as getCredentials returns it: its Data Integrity credential and/or its VC-JWT."""

    issued: datetime
    credential: dict | None
    compact_jws: str


def credential_entries(*, user: AbstractBaseUser, since: datetime | None = None) -> list[CredentialEntry]:
    """The person's badges, newest first, exactly as they were issued (signed documents only):
    those issued here to one of their addresses, private ones included (the owner authorised
    the application), and the OB 3.0 badges kept in their wallet from elsewhere."""
    assertions = selectors.wallet_assertions(user=user).exclude(ob3_credential__isnull=True)
    imported = ImportedBadge.objects.filter(user=user, version="ob3")
    if since is not None:
        assertions = assertions.filter(issued_on__gt=since)
        imported = imported.filter(issued_on__gt=since)
    entries = [CredentialEntry(a.issued_on, a.ob3_credential, a.ob3_jwt)
               for a in assertions.select_related(None).only("issued_on", "ob3_credential", "ob3_jwt")]
    for badge in imported:
        document = badge.original_document if isinstance(badge.original_document, dict) else {}
        credential = None if badge.original_token or not document.get("proof") else document
        if credential is not None or badge.original_token:
            entries.append(CredentialEntry(badge.issued_on or badge.created_at, credential, badge.original_token))
    entries.sort(key=lambda entry: entry.issued, reverse=True)
    return entries


def connected_applications(*, user: AbstractBaseUser):
    """Applications that can still act for ``user``: a live access token or refresh token."""
    now = timezone.now()
    live = set(get_access_token_model().objects.filter(user=user, expires__gt=now).values_list("application_id",
                                                                                                flat=True))
    live |= set(get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).values_list(
        "application_id", flat=True))
    return get_application_model().objects.filter(pk__in=live - {None}).select_related("ob3_profile").order_by("name")

