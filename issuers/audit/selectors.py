from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from issuers.audit.models import AuditEvent, AuditEventQuerySet


def issuer_events(*, issuer, action: str = "", since: date | None = None, until: date | None = None,
                  query: str = "") -> AuditEventQuerySet:
    """The issuer's events, newest first, filtered as the log page offers."""
    events = AuditEvent.objects.for_issuer(issuer)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(occurred_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(occurred_at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    if query:
        events = events.filter(Q(object_label__icontains=query) | Q(actor_name__icontains=query)
                               | Q(object_id__iexact=query))
    return events
