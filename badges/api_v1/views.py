"""The operations of the API v1, one view per operation, each acting for the token's issuer
only: another issuer's objects answer 404, as if they did not exist."""

import uuid
from datetime import UTC

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from badges import documents, selectors, services
from badges.api_v1.auth import BearerTokenAuthentication, HasScope, TokenThrottle
from badges.api_v1.errors import problem, with_problems
from badges.api_v1.models import Scope
from badges.models import Application, Assertion, BadgeClass, IssueBatch
from badges.services.batches import batch_create_from_rows, issued_on_from_date

MAX_BATCH = 1000
CURSOR = r"^[A-Za-z0-9+/=_-]+$"


class V1Api(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    required_scopes: dict[str, str] = {}
    problem_details = True

    @property
    def issuer(self):
        return self.request.auth.issuer


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


def _query(request: Request) -> dict[str, str]:
    # A plain dict: REST framework reads an empty value of a QueryDict as "not given".
    return request.query_params.dict()


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        from django.http import Http404

        raise Http404 from None


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- Badge classes -------------------------------------------------------------------

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
        return _absolute(badge_class.image.url) if badge_class.image else ""

    def get_url(self, badge_class: BadgeClass) -> str:
        return _absolute(badge_class.get_absolute_url())

    def get_you_may_issue(self, badge_class: BadgeClass) -> bool:
        return badge_class.pk in self.context["issuable"]


def _page_of(item, name: str):
    return inline_serializer(name, fields={
        "next": serializers.URLField(allow_null=True, help_text="Page suivante (curseur) ; null à la fin."),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    })


def _issuable_ids(request: Request) -> set[int]:
    return set(selectors.badge_classes_user_can_issue(user=request.user).values_list("pk", flat=True))


class BadgeClassListApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="badge_classes_list", responses=with_problems({200: BadgeClassOutput(many=True)}),
                   summary="Badges de la structure")
    def get(self, request: Request) -> Response:
        badge_classes = BadgeClass.objects.filter(issuer=self.issuer).order_by("name")
        return Response(BadgeClassOutput(badge_classes, many=True,
                                         context={"issuable": _issuable_ids(request)}).data)


class BadgeClassDetailApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="badge_classes_read", responses=with_problems({200: BadgeClassOutput}),
                   parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
                   summary="Un badge")
    def get(self, request: Request, public_id: str) -> Response:
        badge_class = get_object_or_404(BadgeClass, public_id=_uuid_or_404(public_id), issuer=self.issuer)
        return Response(BadgeClassOutput(badge_class, context={"issuable": _issuable_ids(request)}).data)


# --- Assertions ----------------------------------------------------------------------

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
        download = lambda fmt: _absolute(reverse("badges:assertion_download",  # noqa: E731
                                                 kwargs={"public_id": assertion.public_id, "fmt": fmt}))
        return {
            "page": _absolute(assertion.get_absolute_url()),
            "self": _absolute(reverse("api_v1:assertion_detail", kwargs={"public_id": assertion.public_id})),
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
        return _absolute(reverse("api_v1:job_detail", kwargs={"public_id": batch.public_id}))


def _issuer_badge_class(issuer, public_id) -> BadgeClass:
    return get_object_or_404(BadgeClass, public_id=public_id, issuer=issuer)


def _api_key(issuer, key: str) -> str | None:
    # Namespaced by issuer (as for /api/assertions/issue/): one issuer never reads another's badge back.
    return f"api:{issuer.pk}:{key}" if key else None


class AssertionFilter(serializers.Serializer):
    badge_class = serializers.UUIDField(required=False)
    recipient_email = serializers.EmailField(max_length=254, required=False)
    status = serializers.ChoiceField(choices=["valid", "revoked", "expired"], required=False)
    issued_after = serializers.DateTimeField(required=False, help_text="Inclus. Date ou date et heure ISO 8601.")
    issued_before = serializers.DateTimeField(required=False, help_text="Exclu.")
    cursor = serializers.RegexField(CURSOR, max_length=500, required=False,
                                    help_text="Le curseur des liens next et previous.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class AssertionCursor(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AssertionListApi(V1Api):
    required_scopes = {"GET": Scope.READ, "POST": Scope.ISSUE}

    @extend_schema(operation_id="assertions_list", parameters=[AssertionFilter], summary="Badges délivrés",
                   responses=with_problems({200: _page_of(AssertionOutput, "AssertionPage")}))
    def get(self, request: Request) -> Response:
        filters = AssertionFilter(data=_query(request))
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        queryset = Assertion.objects.filter(badge_class__issuer=self.issuer).select_related("badge_class")
        if "badge_class" in values:
            queryset = queryset.filter(badge_class__public_id=values["badge_class"])
        if "recipient_email" in values:
            queryset = queryset.filter(recipient_email=values["recipient_email"].lower())
        now = timezone.now()
        if values.get("status") == "valid":
            queryset = queryset.valid()
        elif values.get("status") == "revoked":
            queryset = queryset.filter(revoked=True)
        elif values.get("status") == "expired":
            queryset = queryset.filter(revoked=False, expires_on__lte=now)
        if "issued_after" in values:
            queryset = queryset.filter(issued_on__gte=values["issued_after"])
        if "issued_before" in values:
            queryset = queryset.filter(issued_on__lt=values["issued_before"])
        paginator = AssertionCursor()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(AssertionOutput(page, many=True).data)

    @extend_schema(operation_id="assertions_issue", request=IssueOneInput, summary="Délivrer un badge",
                   responses=with_problems({200: AssertionOutput, 201: AssertionOutput}, write=True),
                   description="Délivre au nom du créateur du jeton (ses habilitations s'appliquent). "
                               "201 : délivré ; 200 : la clé d'idempotence avait déjà servi.")
    def post(self, request: Request) -> Response:
        data = IssueOneInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        badge_class = _issuer_badge_class(self.issuer, values["badge_class"])
        key = _api_key(self.issuer, values["idempotency_key"])
        existing = Assertion.objects.filter(idempotency_key=key).select_related("badge_class").first() if key else None
        if existing is not None:
            return Response(AssertionOutput(existing).data, status=status.HTTP_200_OK)
        with transaction.atomic():
            assertion = services.assertion_issue(
                badge_class=badge_class,
                recipient_email=values["recipient_email"],
                recipient_name=values["recipient_name"],
                issued_by=request.user,  # the token acts for its creator, as the partner form does
                via=Assertion.Via.MEDIATOR,
                narrative=values["narrative"],
                evidence=[services.EvidenceInput(url=values["evidence_url"], name=_("Preuve"))]
                if values["evidence_url"] else [],
                issued_on=issued_on_from_date(values["issued_on"]),
                idempotency_key=key,
            )
        return Response(AssertionOutput(assertion).data, status=status.HTTP_201_CREATED)


class AssertionBatchApi(V1Api):
    required_scopes = {"POST": Scope.ISSUE}

    @extend_schema(operation_id="assertions_issue_batch", request=IssueBatchInput,
                   summary="Délivrer un badge à plusieurs personnes (jusqu'à 1 000)",
                   responses=with_problems({202: JobOutput}, write=True),
                   description="Répond 202 avec une tâche à suivre (GET sur son url) ; un worker délivre.")
    def post(self, request: Request) -> Response:
        data = IssueBatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        badge_class = _issuer_badge_class(self.issuer, values["badge_class"])
        rows = [{
            "email": row["recipient_email"].lower(), "name": row["recipient_name"],
            "narrative": row["narrative"], "evidence_url": row["evidence_url"],
            "issued_on": row["issued_on"].isoformat() if row["issued_on"] else "",
            "idempotency_key": _api_key(self.issuer, row["idempotency_key"]),
        } for row in values["assertions"]]
        batch = batch_create_from_rows(badge_class=badge_class, created_by=request.user, rows=rows,
                                       narrative=values["narrative"], source_name=f"API — {request.auth.name}")
        response = Response(JobOutput(batch).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = JobOutput(batch).data["url"]
        return response


class JobDetailApi(V1Api):
    required_scopes = {"GET": Scope.ISSUE}

    @extend_schema(operation_id="jobs_read", responses=with_problems({200: JobOutput}), summary="Suivre une tâche",
                   parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)])
    def get(self, request: Request, public_id: str) -> Response:
        batch = get_object_or_404(IssueBatch.objects.select_related("badge_class"), public_id=_uuid_or_404(public_id),
                                  badge_class__issuer=self.issuer)
        return Response(JobOutput(batch).data)


def _issuer_assertion(issuer, public_id: str) -> Assertion:
    return get_object_or_404(Assertion.objects.select_related("badge_class__issuer"),
                             public_id=_uuid_or_404(public_id), badge_class__issuer=issuer)


class AssertionDetailApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="assertions_read", responses=with_problems({200: AssertionOutput}),
                   summary="Un badge délivré, avec les liens vers ses formes Open Badges",
                   parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)])
    def get(self, request: Request, public_id: str) -> Response:
        return Response(AssertionOutput(_issuer_assertion(self.issuer, public_id)).data)


class RevokeInput(serializers.Serializer):
    reason = StrictRegex(SOME_TEXT, max_length=300, help_text="Motif, montré à la personne et aux vérificateurs.")


class AssertionRevokeApi(V1Api):
    required_scopes = {"POST": Scope.REVOKE}

    @extend_schema(operation_id="assertions_revoke", request=RevokeInput, summary="Révoquer un badge délivré",
                   responses=with_problems({200: AssertionOutput}, write=True),
                   parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)])
    def post(self, request: Request, public_id: str) -> Response:
        assertion = _issuer_assertion(self.issuer, public_id)
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        assertion = services.assertion_revoke(assertion=assertion, reason=data.validated_data["reason"],
                                              revoked_by=request.user)
        return Response(AssertionOutput(assertion).data)


# --- Applications --------------------------------------------------------------------

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


class ApplicationCursor(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50


class ApplicationListApi(V1Api):
    required_scopes = {"GET": Scope.APPLICATIONS}

    @extend_schema(operation_id="applications_list", parameters=[ApplicationFilter], summary="Demandes de badge",
                   responses=with_problems({200: _page_of(ApplicationOutput, "ApplicationPage")}))
    def get(self, request: Request) -> Response:
        filters = ApplicationFilter(data=_query(request))
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        # Drafts are the applicant's own until sent.
        queryset = (Application.objects.filter(badge_class__issuer=self.issuer).exclude(status=Application.Status.DRAFT)
                    .select_related("badge_class", "assertion").prefetch_related("evidence"))
        if "status" in values:
            queryset = queryset.filter(status=values["status"])
        if "badge_class" in values:
            queryset = queryset.filter(badge_class__public_id=values["badge_class"])
        paginator = ApplicationCursor()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(ApplicationOutput(page, many=True).data)


class AcceptInput(serializers.Serializer):
    comment = StrictChar(max_length=5000, required=False, allow_blank=True, default="")


class CommentInput(serializers.Serializer):
    comment = StrictRegex(SOME_TEXT, max_length=5000, help_text="Ce que le demandeur lira (obligatoire).")


def _decide(view: V1Api, request: Request, public_id: str, service, data_class) -> Response:
    application = get_object_or_404(Application.objects.exclude(status=Application.Status.DRAFT),
                                    public_id=_uuid_or_404(public_id), badge_class__issuer=view.issuer)
    data = data_class(data=request.data)
    data.is_valid(raise_exception=True)
    if application.status != Application.Status.SUBMITTED:
        return problem(409, _("Cette demande n'attend pas de décision."))
    application = service(application=application, reviewer=request.user, comment=data.validated_data["comment"])
    application = Application.objects.select_related("badge_class", "assertion").get(pk=application.pk)
    return Response(ApplicationOutput(application).data)


_DECISION_PARAMS = [OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)]


class ApplicationAcceptApi(V1Api):
    required_scopes = {"POST": Scope.APPLICATIONS}

    @extend_schema(operation_id="applications_accept", request=AcceptInput, parameters=_DECISION_PARAMS,
                   summary="Accepter une demande (le badge est délivré avec ses preuves)",
                   responses=with_problems({200: ApplicationOutput}, write=True))
    def post(self, request: Request, public_id: str) -> Response:
        return _decide(self, request, public_id, services.application_accept, AcceptInput)


class ApplicationRefuseApi(V1Api):
    required_scopes = {"POST": Scope.APPLICATIONS}

    @extend_schema(operation_id="applications_refuse", request=CommentInput, parameters=_DECISION_PARAMS,
                   summary="Refuser une demande", responses=with_problems({200: ApplicationOutput}, write=True))
    def post(self, request: Request, public_id: str) -> Response:
        return _decide(self, request, public_id, services.application_refuse, CommentInput)


class ApplicationRequestMoreApi(V1Api):
    required_scopes = {"POST": Scope.APPLICATIONS}

    @extend_schema(operation_id="applications_request_more", request=CommentInput, parameters=_DECISION_PARAMS,
                   summary="Demander des preuves complémentaires",
                   responses=with_problems({200: ApplicationOutput}, write=True))
    def post(self, request: Request, public_id: str) -> Response:
        return _decide(self, request, public_id, services.application_request_more, CommentInput)


# --- Pathways ------------------------------------------------------------------------

class PathwayOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    description = serializers.CharField()
    key_badge = serializers.SerializerMethodField()

    def get_key_badge(self, pathway) -> str | None:
        return str(pathway.key_badge.public_id) if pathway.key_badge_id else None


class PathwayListApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="pathways_list", responses=with_problems({200: PathwayOutput(many=True)}),
                   summary="Parcours de la structure")
    def get(self, request: Request) -> Response:
        from pathways.models import Pathway

        pathways = Pathway.objects.filter(issuer=self.issuer).select_related("key_badge")
        return Response(PathwayOutput(pathways, many=True).data)


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


class PathwayProgressApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="pathways_progress", parameters=[
        ProgressQuery, OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses=with_problems({200: ProgressOutput}), summary="Progression d'une personne dans un parcours")
    def get(self, request: Request, public_id: str) -> Response:
        # A page (here an API read) may compose several apps; badges' services never import pathways.
        from pathways.models import Pathway
        from pathways.selectors import pathway_progress_for_email

        pathway = get_object_or_404(Pathway, public_id=_uuid_or_404(public_id), issuer=self.issuer)
        query = ProgressQuery(data=_query(request))
        query.is_valid(raise_exception=True)
        email = query.validated_data["recipient_email"].lower()
        progress = pathway_progress_for_email(pathway=pathway, email=email)
        return Response({
            "pathway": str(pathway.public_id), "recipient_email": email, "held_count": progress.held_count,
            "step_count": progress.step_count, "complete": progress.complete,
            "steps": [{"badge_class": str(step.badge_class.public_id), "name": step.badge_class.name,
                       "state": step.state, "is_key": step.is_key,
                       "available_on": UtcDateTime().to_representation(step.available_on)
                       if step.available_on else None}
                      for step in progress.steps],
        })

