"""Input and output serializers of the API v1 (explicit, one per shape; Open Badges JSON
itself is only ever served by the Open Badges pages, which the outputs link to)."""

from datetime import UTC

from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from badges import documents
from badges.models import Application, Assertion, BadgeClass, IssueBatch

MAX_BATCH = 1000


CURSOR = r"^[A-Za-z0-9+/=_-]+$"


class _Strict:
    """JSON strings only: REST framework would take 42 for "42" (or for a UUID), and a
    request that breaks the schema must be refused, not guessed at."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Une chaîne de caractères est attendue."))
        return super().to_internal_value(data)


# REST framework refuses NUL in any string; the schema says so, as a pattern.
NO_NUL = r"^[^\x00]*$"


SOME_TEXT = r"^[^\x00]*\S[^\x00]*$"


class StrictChar(_Strict, serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(NO_NUL))


class StrictEmail(_Strict, serializers.EmailField):
    pass


class StrictURL(_Strict, serializers.URLField):
    pass


class StrictUUID(_Strict, serializers.UUIDField):
    pass


class StrictChoice(_Strict, serializers.ChoiceField):
    pass


class StrictRegex(_Strict, serializers.RegexField):
    pass


class StrictDate(_Strict, serializers.DateField):
    pass


class UtcDateTime(serializers.DateTimeField):
    """Answers in UTC: an old date in Europe/Paris has a local-mean-time offset (+00:09:21)
    that RFC 3339 does not allow."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class BadgeClassOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    description = serializers.CharField()
    criteria = serializers.CharField(source="criteria_narrative")
    image = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    validity_days = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    archived = serializers.BooleanField()
    requestable = serializers.BooleanField()
    you_may_issue = serializers.SerializerMethodField(
        help_text="Le créateur du jeton peut délivrer ce badge (rôle et habilitation).")

    def get_image(self, badge_class: BadgeClass) -> str:
        return absolute(badge_class.image.url) if badge_class.image else ""

    def get_url(self, badge_class: BadgeClass) -> str:
        return absolute(badge_class.get_absolute_url())

    def get_you_may_issue(self, badge_class: BadgeClass) -> bool:
        return badge_class.pk in self.context["issuable"]


def page_of(item, name: str):
    return inline_serializer(name, fields={
        "next": serializers.URLField(allow_null=True, help_text="Page suivante (curseur) ; null à la fin."),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    })


class AssertionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    badge_class = serializers.UUIDField(source="badge_class.public_id")
    recipient_email = serializers.EmailField()
    recipient_name = serializers.CharField()
    issued_on = UtcDateTime()
    expires_on = UtcDateTime(allow_null=True)
    status = serializers.ChoiceField(choices=["valid", "revoked", "expired"])
    revocation_reason = serializers.CharField()
    revoked_at = UtcDateTime(allow_null=True)
    claimed = serializers.SerializerMethodField()
    visibility = serializers.ChoiceField(choices=Assertion.Visibility.values)
    issued_via = serializers.CharField()
    links = serializers.SerializerMethodField(help_text="Les formes Open Badges du badge délivré.")

    def get_claimed(self, assertion: Assertion) -> bool:
        return assertion.claimed_at is not None

    def get_links(self, assertion: Assertion) -> dict[str, str]:
        download = lambda fmt: absolute(reverse("badges:assertion_download",  # noqa: E731
                                                 kwargs={"public_id": assertion.public_id, "fmt": fmt}))
        return {
            "page": absolute(assertion.get_absolute_url()),
            "self": absolute(reverse("api_v1:assertion_detail", kwargs={"public_id": assertion.public_id})),
            "ob2_hosted": documents.assertion_url(assertion),
            "ob2_json": download("ob2"),
            "ob2_signed_jws": download("ob2-signed"),
            "ob3_credential": documents.credential_url(assertion),
            "ob3_json": download("ob3"),
            "ob3_jwt": download("ob3-jwt"),
            "baked_png": download("png"),
            "baked_svg": download("svg"),
            "baked_png_ob2": download("png-ob2"),
            "baked_svg_ob2": download("svg-ob2"),
        }


class IssueInput(serializers.Serializer):
    recipient_email = StrictEmail(max_length=254)
    recipient_name = StrictChar(max_length=200, required=False, allow_blank=True, default="")
    narrative = StrictChar(max_length=5000, required=False, allow_blank=True, default="")
    evidence_url = StrictURL(max_length=500, required=False, allow_blank=True, default="")
    issued_on = StrictDate(required=False, allow_null=True, default=None,
                                      help_text="Jour de l'observation ; vide, aujourd'hui ou plus tard : maintenant.")
    idempotency_key = StrictChar(
        max_length=150, required=False, allow_blank=True, default="",
        help_text="La même clé renvoie le même badge délivré au lieu d'en délivrer un second.")


class IssueOneInput(IssueInput):
    badge_class = StrictUUID()


class IssueBatchInput(serializers.Serializer):
    badge_class = StrictUUID()
    narrative = StrictChar(max_length=5000, required=False, allow_blank=True, default="",
                                      help_text="Observation commune, pour les lignes qui n'en ont pas.")
    assertions = serializers.ListField(
        child=IssueInput(), min_length=1, max_length=MAX_BATCH,
        help_text="Une ligne dont la clé d'idempotence a déjà servi (ici ou avant) est sautée.")


class JobOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=IssueBatch.Status.values)
    badge_class = serializers.UUIDField(source="badge_class.public_id")
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Lignes dont la clé d'idempotence avait déjà servi.")
    error = serializers.CharField()
    created_at = UtcDateTime()
    finished_at = UtcDateTime(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, batch: IssueBatch) -> str:
        return absolute(reverse("api_v1:job_detail", kwargs={"public_id": batch.public_id}))


class AssertionFilter(serializers.Serializer):
    badge_class = serializers.UUIDField(required=False)
    recipient_email = serializers.EmailField(max_length=254, required=False)
    status = serializers.ChoiceField(choices=["valid", "revoked", "expired"], required=False)
    issued_after = serializers.DateTimeField(required=False, help_text="Inclus. Date ou date et heure ISO 8601.")
    issued_before = serializers.DateTimeField(required=False, help_text="Exclu.")
    cursor = serializers.RegexField(CURSOR, max_length=500, required=False,
                                    help_text="Le curseur des liens next et previous.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class RevokeInput(serializers.Serializer):
    reason = StrictRegex(SOME_TEXT, max_length=300, help_text="Motif, montré à la personne et aux vérificateurs.")


class ApplicationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    badge_class = serializers.UUIDField(source="badge_class.public_id")
    applicant_email = serializers.EmailField()
    applicant_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Application.Status.values)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True))
    evidence = serializers.SerializerMethodField()
    decision_comment = serializers.CharField()
    submitted_at = UtcDateTime(allow_null=True)
    decided_at = UtcDateTime(allow_null=True)
    assertion = serializers.SerializerMethodField()

    def get_evidence(self, application: Application) -> list[dict[str, str]]:
        return [{"name": item.label, "narrative": item.narrative, "url": item.url}
                for item in application.evidence.all()]

    def get_assertion(self, application: Application) -> str | None:
        return str(application.assertion.public_id) if application.assertion_id else None


class ApplicationFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=[s for s in Application.Status.values if s != "draft"], required=False)
    badge_class = serializers.UUIDField(required=False)
    cursor = serializers.RegexField(CURSOR, max_length=500, required=False,
                                    help_text="Le curseur des liens next et previous.")


class AcceptInput(serializers.Serializer):
    comment = StrictChar(max_length=5000, required=False, allow_blank=True, default="")


class CommentInput(serializers.Serializer):
    comment = StrictRegex(SOME_TEXT, max_length=5000, help_text="Ce que le demandeur lira (obligatoire).")


class PathwayOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    description = serializers.CharField()
    key_badge = serializers.SerializerMethodField()

    def get_key_badge(self, pathway) -> str | None:
        return str(pathway.key_badge.public_id) if pathway.key_badge_id else None


class ProgressQuery(serializers.Serializer):
    recipient_email = serializers.EmailField(max_length=254)


ProgressOutput = inline_serializer("PathwayProgress", fields={
    "pathway": serializers.UUIDField(),
    "recipient_email": serializers.EmailField(),
    "held_count": serializers.IntegerField(),
    "step_count": serializers.IntegerField(),
    "complete": serializers.BooleanField(),
    "steps": inline_serializer("PathwayStepProgress", many=True, fields={
        "badge_class": serializers.UUIDField(),
        "name": serializers.CharField(),
        "state": serializers.ChoiceField(choices=["held", "available", "locked"]),
        "is_key": serializers.BooleanField(),
        "available_on": serializers.DateTimeField(allow_null=True),
    }),
})
