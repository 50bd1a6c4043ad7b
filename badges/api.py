"""HTTP API for automatic issuing on criteria (an LMS, a pathway engine elsewhere).
One view per operation, explicit input/output serializers; Open Badges JSON is
never produced here (the public pages serve it)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from badges import throttle
from badges.models import Assertion, BadgeClass
from badges.services import EvidenceInput, assertion_issue
from badges.services.batches import issued_on_from_date
from issuers.models import Membership


class LimitedBasicAuthentication(BasicAuthentication):
    """Basic auth whose locked accounts answer 429, like the sign-in page (django-axes flags
    the request it was given: here REST framework's own)."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise exceptions.Throttled(wait=settings.AXES_COOLOFF_TIME.total_seconds()) from None
            raise


class ClientAndAccountThrottle(BaseThrottle):
    """The API's limits (badges/throttle.py): per account and per client."""

    def allow_request(self, request, view) -> bool:
        self.retry_after = None
        if request.user.is_authenticated:
            self.retry_after = throttle.hit(throttle.API_PER_ACCOUNT, f"user:{request.user.pk}")
        if self.retry_after is None:
            self.retry_after = throttle.hit(throttle.API_PER_CLIENT, throttle.client_ip(request))
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class AssertionIssueApi(APIView):
    """Issue a badge on criteria, idempotently: the same ``idempotency_key`` returns the same assertion."""

    authentication_classes = [SessionAuthentication, LimitedBasicAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientAndAccountThrottle]

    class InputSerializer(serializers.Serializer):
        badge_class = serializers.UUIDField()
        recipient_email = serializers.EmailField()
        recipient_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        narrative = serializers.CharField(required=False, allow_blank=True, default="")
        evidence_url = serializers.URLField(required=False, allow_blank=True, default="")
        issued_on = serializers.DateField(required=False, allow_null=True, default=None)
        idempotency_key = serializers.CharField(max_length=150)

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="public_id")
        url = serializers.SerializerMethodField()
        badge_class = serializers.UUIDField(source="badge_class.public_id")
        recipient_email = serializers.EmailField()
        recipient_name = serializers.CharField()
        issued_on = serializers.DateTimeField()
        expires_on = serializers.DateTimeField()
        issued_via = serializers.CharField()
        revoked = serializers.BooleanField()

        def get_url(self, assertion: Assertion) -> str:
            return self.context["request"].build_absolute_uri(assertion.get_absolute_url())

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        badge_class = BadgeClass.objects.filter(
            public_id=values["badge_class"],
            issuer__memberships__user=request.user,
            issuer__memberships__role__in=Membership.STAFF_ROLES,
        ).select_related("issuer").first()
        if badge_class is None:
            # Same answer for "does not exist" and "not yours": other issuers' catalogues stay private.
            return Response({"detail": "Badge introuvable."}, status=status.HTTP_404_NOT_FOUND)
        # Keys are namespaced by issuer so that one issuer can never read another's assertion back.
        key = f"api:{badge_class.issuer_id}:{values['idempotency_key']}"
        existed = Assertion.objects.filter(idempotency_key=key).exists()
        try:
            with transaction.atomic():
                assertion = assertion_issue(
                    badge_class=badge_class,
                    recipient_email=values["recipient_email"],
                    recipient_name=values["recipient_name"],
                    issued_by=None,  # recorded as issued by the system
                    requested_by=request.user,  # who must hold the habilitation the badge requires
                    via=Assertion.Via.AUTOMATIC,
                    narrative=values["narrative"],
                    evidence=[EvidenceInput(url=values["evidence_url"])] if values["evidence_url"] else [],
                    issued_on=issued_on_from_date(values["issued_on"]),
                    idempotency_key=key,
                )
        except (ValidationError, PermissionDenied) as exc:
            return Response({"detail": " ".join(getattr(exc, "messages", [str(exc)]))},
                            status=status.HTTP_400_BAD_REQUEST)
        output = self.OutputSerializer(assertion, context={"request": request})
        return Response(output.data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
