"""Turns an abuse limit reached anywhere in a request into a 429 answer."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from badges.throttle import RateLimited


def too_many_requests(request: HttpRequest, *, retry_after: int, reason: str = "") -> HttpResponse:
    """The French "too many requests" page, saying what happened and when to try again."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("Trop de requêtes. Réessayez dans %(seconds)d secondes.")
                                 % {"seconds": retry_after}}, status=429)
    else:
        minutes = max(1, -(-retry_after // 60))
        response = render(request, "429.html", {"reason": reason, "retry_after": retry_after, "minutes": minutes},
                          status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_requests(request, retry_after=exception.retry_after)
        return None
