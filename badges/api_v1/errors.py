"""Errors as RFC 9457 problem details (``application/problem+json``), in the caller's
language (Accept-Language, French by default: LocaleMiddleware has chosen it)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM = "application/problem+json"
TYPE_BASE = "https://badgehub.fr/problems/"


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: ("invalid-request", _("Requête invalide")),
        401: ("unauthenticated", _("Authentification requise")),
        403: ("forbidden", _("Accès refusé")),
        404: ("not-found", _("Introuvable")),
        405: ("method-not-allowed", _("Méthode non autorisée")),
        406: ("not-acceptable", _("Format de réponse non disponible")),
        409: ("conflict", _("Conflit")),
        413: ("too-large", _("Requête trop volumineuse")),
        415: ("unsupported-media-type", _("Format de requête non pris en charge")),
        429: ("too-many-requests", _("Trop de requêtes")),
    }


def problem(status_code: int, detail: str, *, errors=None, headers: dict | None = None) -> Response:
    slug, title = _titles().get(status_code, ("error", _("Erreur")))
    body = {"type": TYPE_BASE + slug, "title": title, "status": status_code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM, headers=headers)


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(_flatten(value) for value in detail.values())
    if isinstance(detail, list):
        return " ".join(_flatten(value) for value in detail)
    return str(detail)


def exception_handler(exc, context) -> Response | None:
    view = context.get("view")
    if not getattr(view, "problem_details", False):
        return drf_exception_handler(exc, context)  # the older /api/ keeps its answers
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem(400, " ".join(exc.messages), errors=errors)
    if isinstance(exc, DjangoPermissionDenied):
        return problem(403, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    if isinstance(exc, Http404):
        return problem(404, _("Cet objet n'existe pas, ou n'appartient pas à votre structure."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {key: value for key, value in response.items() if key in ("WWW-Authenticate", "Retry-After", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return problem(400, _("Certaines valeurs sont invalides."), errors=errors, headers=headers)
    if isinstance(exc, exceptions.NotFound):
        return problem(404, _("Cet objet n'existe pas, ou n'appartient pas à votre structure."), headers=headers)
    return problem(response.status_code, _flatten(getattr(exc, "detail", "")), headers=headers)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Par champ : les messages d'erreur.")


def with_problems(responses: dict, *, write: bool = False) -> dict:
    """An operation's responses plus the problems every operation may answer."""
    codes = [400, 401, 403, 404, 406, 429] + ([409, 415] if write else [])
    return {**responses, **{(code, PROBLEM): ProblemSerializer for code in codes}}


__all__ = ["PROBLEM", "ProblemSerializer", "exception_handler", "problem", "status", "with_problems"]
