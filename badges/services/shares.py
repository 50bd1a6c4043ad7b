"""The opens of a shared badge, counted per badge, day and source (LinkedIn, QR code,
copied link) for the activity reports: no address, no cookie, nothing about who opened it.

A badge counts at most one open per source every SHARE_OPEN_WINDOW_S seconds, so that
someone reloading the page (or a holder testing their link) does not inflate the figure:
the count is a floor of the opens, and "badges partagés" (opened at least once) is exact."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from badges import document_cache, throttle
from badges.models import Assertion, ShareOpen

SHARE_OPEN_WINDOW_S = 900
# Link previews (LinkedIn fetches the page when a post is written), crawlers, monitors and
# command-line clients announce themselves in their user agent.
AUTOMATED = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|telegram|discord|skype|"
    r"curl|wget|python|httpclient|okhttp|java/|go-http|headless|lighthouse|monitor|scan|fetch|feed",
    re.IGNORECASE,
)


def share_open_counts(*, request: HttpRequest, assertion: Assertion) -> bool:
    """Whether this request is someone opening the badge (not a robot, a prefetch, or the holder)."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if not user_agent or AUTOMATED.search(user_agent):
        return False
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") + request.META.get("HTTP_PURPOSE", "")
    if "prefetch" in purpose.lower() or "preview" in purpose.lower():
        return False
    if assertion.visibility != Assertion.Visibility.PUBLIC or assertion.revoked:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and assertion.recipient_user_id == user.pk)


def share_open_count(*, assertion: Assertion, source: str) -> bool:
    """Count one open of ``assertion`` from ``source`` today; False when it falls in the window
    of the previous one counted (not counted)."""
    if source not in ShareOpen.Source.values:
        raise ValueError(source)
    if not throttle.allow(scope="share-open", key=f"{assertion.pk}:{source}", limit=1,
                          window_seconds=SHARE_OPEN_WINDOW_S):
        return False
    row = {"assertion": assertion, "day": timezone.localdate(), "source": source}
    issuer_id = Assertion.objects.filter(pk=assertion.pk).values_list("badge_class__issuer_id", flat=True).first()
    document_cache.issuers_reports_changed([issuer_id])
    with transaction.atomic():
        if ShareOpen.objects.filter(**row).update(opens=F("opens") + 1):
            return True
        try:
            with transaction.atomic():
                ShareOpen.objects.create(**row, opens=1)
        except IntegrityError:  # the same first open of the day, counted by another worker
            ShareOpen.objects.filter(**row).update(opens=F("opens") + 1)
    return True
