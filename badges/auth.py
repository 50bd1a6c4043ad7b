"""Signing in: the e-mail-or-username backend, and the limits on guessing passwords.

One account: django-axes locks it after ``AXES_FAILURE_LIMIT`` failures (any form that
authenticates: ours, the admin's, the API's Basic auth). One client: at most
``throttle.LOGIN_FAILURES_PER_CLIENT`` failures over all accounts."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from badges import throttle


def _user_for(username: str):
    User = get_user_model()
    username = username.strip()
    if "@" in username:
        return (User.objects.filter(email_addresses__email=username.lower(),
                                    email_addresses__verified_at__isnull=False).first()
                or User.objects.filter(email__iexact=username).order_by("pk").first())
    return User.objects.filter(username=username).first()


class EmailOrUsernameBackend(ModelBackend):
    """Beneficiaries sign in with any of their verified e-mail addresses;
    staff may also use their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            user = _user_for(username)
            if user is None:
                get_user_model()().set_password(password)  # same cost as a real check: no user enumeration by timing
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ClientLoginLimitBackend:
    """Refuses to check any password for a client that failed too often, whichever accounts it tried
    (one password tried on many accounts). Listed before the backends that check passwords."""

    def authenticate(self, request, **credentials):
        if request is not None:
            retry_after = throttle.exceeded(throttle.LOGIN_FAILURES_PER_CLIENT, throttle.client_ip(request))
            if retry_after is not None:
                raise throttle.RateLimited(throttle.LOGIN_FAILURES_PER_CLIENT, retry_after)
        return None  # no get_user(): never the backend a session is signed in with


@receiver(user_login_failed)
def _count_client_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        throttle.hit(throttle.LOGIN_FAILURES_PER_CLIENT, throttle.client_ip(request))


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """What django-axes counts failures by: the account, whichever of its addresses or its
    username was typed, in whatever case (``AXES_USERNAME_CALLABLE``)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = str((credentials or {}).get(field) or request.POST.get(field, "") or "")
    user = _user_for(typed) if typed.strip() else None
    return user.get_username() if user is not None else typed.strip().lower()


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer to a locked account (``AXES_LOCKOUT_CALLABLE``): our 429 page."""
    from badges.middleware import too_many_requests

    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return too_many_requests(request, retry_after=cool_off, reason=_(
        "Trop de mots de passe erronés pour ce compte : par sécurité, la connexion par mot de passe est "
        "bloquée pour un moment. Vous pouvez aussi recevoir un lien de connexion par e-mail."))
