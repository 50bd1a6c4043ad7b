"""The operations of the API v1, one view per operation, each acting for the token's issuer
only: another issuer's objects answer 404, as if they did not exist."""

import uuid

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from badges import selectors, services
from badges.api_v1.auth import BearerTokenAuthentication, HasScope, TokenThrottle
from badges.api_v1.errors import problem, with_problems
from badges.api_v1.models import Scope
from badges.api_v1.serializers import (
    AcceptInput,
    ApplicationFilter,
    ApplicationOutput,
    AssertionFilter,
    AssertionOutput,
    BadgeClassOutput,
    CommentInput,
    IssueBatchInput,
    IssueOneInput,
    JobOutput,
    PathwayOutput,
    ProgressOutput,
    ProgressQuery,
    RevokeInput,
    UtcDateTime,
    page_of,
)
from badges.models import Application, Assertion, BadgeClass, IssueBatch
from badges.services.batches import batch_create_from_rows, issued_on_from_date


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


def _query(request: Request) -> dict[str, str]:
    # A plain dict: REST framework reads an empty value of a QueryDict as "not given".
    return request.query_params.dict()


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        from django.http import Http404

        raise Http404 from None


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


def _issuer_badge_class(issuer, public_id) -> BadgeClass:
    return get_object_or_404(BadgeClass, public_id=public_id, issuer=issuer)


def _api_key(issuer, key: str) -> str | None:
    # Namespaced by issuer (as for /api/assertions/issue/): one issuer never reads another's badge back.
    return f"api:{issuer.pk}:{key}" if key else None


class AssertionCursor(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AssertionListApi(V1Api):
    required_scopes = {"GET": Scope.READ, "POST": Scope.ISSUE}

    @extend_schema(operation_id="assertions_list", parameters=[AssertionFilter], summary="Badges délivrés",
                   responses=with_problems({200: page_of(AssertionOutput, "AssertionPage")}))
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


class ApplicationCursor(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50


class ApplicationListApi(V1Api):
    required_scopes = {"GET": Scope.APPLICATIONS}

    @extend_schema(operation_id="applications_list", parameters=[ApplicationFilter], summary="Demandes de badge",
                   responses=with_problems({200: page_of(ApplicationOutput, "ApplicationPage")}))
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


class PathwayListApi(V1Api):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(operation_id="pathways_list", responses=with_problems({200: PathwayOutput(many=True)}),
                   summary="Parcours de la structure")
    def get(self, request: Request) -> Response:
        from pathways.models import Pathway

        pathways = Pathway.objects.filter(issuer=self.issuer).select_related("key_badge")
        return Response(PathwayOutput(pathways, many=True).data)


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
