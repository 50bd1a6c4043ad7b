"""Activity reports ("bilans d'activité") for funders: what an issuer recognised, when, how."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from badges.models import Application, Assertion
from issuers.models import Issuer


@dataclass
class ActivityReport:
    issuer: Issuer
    start: date
    end: date
    issued: int
    beneficiaries: int
    claimed: int
    public: int
    revoked: int
    by_badge: list[dict]
    by_month: list[dict]
    by_way: list[dict]
    applications: dict


def activity_report(*, issuer: Issuer, start: date, end: date) -> ActivityReport:
    """Six aggregate queries, whatever the number of badges."""
    assertions = Assertion.objects.filter(badge_class__issuer=issuer, issued_on__date__gte=start,
                                          issued_on__date__lte=end)
    totals = assertions.aggregate(
        issued=Count("pk"),
        beneficiaries=Count("recipient_email", distinct=True),
        claimed=Count("pk", filter=Q(claimed_at__isnull=False)),
        public=Count("pk", filter=Q(visibility=Assertion.Visibility.PUBLIC)),
        revoked=Count("pk", filter=Q(revoked=True)),
    )
    by_badge = list(assertions.values("badge_class__name").annotate(
        count=Count("pk"), beneficiaries=Count("recipient_email", distinct=True)).order_by("-count",
                                                                                            "badge_class__name"))
    by_month = list(assertions.annotate(month=TruncMonth("issued_on")).values("month").annotate(
        count=Count("pk")).order_by("month"))
    labels = dict(Assertion.Via.choices)
    by_way = [{"way": labels.get(row["issued_via"], row["issued_via"]), "count": row["count"]}
              for row in assertions.values("issued_via").annotate(count=Count("pk")).order_by("-count")]
    applications = Application.objects.filter(badge_class__issuer=issuer, created_at__date__gte=start,
                                               created_at__date__lte=end).aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)),
        refused=Count("pk", filter=Q(status=Application.Status.REFUSED)),
        pending=Count("pk", filter=Q(status__in=[Application.Status.SUBMITTED, Application.Status.MORE_EVIDENCE])),
    )
    return ActivityReport(issuer=issuer, start=start, end=end, by_badge=by_badge, by_month=by_month, by_way=by_way,
                          applications=applications, **totals)
