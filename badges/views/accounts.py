"""Beneficiary accounts: sign-up, sign-in by e-mail link, e-mail addresses."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import throttle
from badges.forms import EmailForm, SignupForm
from badges.models import EmailAddress
from badges.services import accounts as services
from issuers.models import Issuer

BACKEND = "badges.auth.EmailOrUsernameBackend"


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttle.check(throttle.SIGNUP_PER_CLIENT, throttle.client_ip(request))
        throttle.check(throttle.SIGNUP_PER_ADDRESS, form.cleaned_data["email"])
        try:
            user = services.account_create(**form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Votre compte est créé. Nous vous avons envoyé un e-mail pour vérifier "
                                        "votre adresse : ouvrez-le pour voir vos badges."))
            return redirect(safe_next(request, reverse("wallet:home")))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "")})


@login_required
@require_GET
def after_login(request: HttpRequest) -> HttpResponse:
    """Where a password sign-in without ``next`` lands: the partner space for issuer members,
    the wallet for everyone else (the home page would make both look for their way in)."""
    if Issuer.objects.for_user(request.user).exists():
        return redirect("partner:home")
    return redirect("wallet:home")


@require_http_methods(["GET", "POST"])
def login_link_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Counted whether an account exists or not: a 429 says nothing about who has an account.
        throttle.check(throttle.LOGIN_LINK_PER_CLIENT, throttle.client_ip(request))
        throttle.check(throttle.LOGIN_LINK_PER_ADDRESS, email)
        services.login_link_send(email=email, next_url=safe_next(request, ""))
        # Same answer whether an account exists or not.
        return render(request, "accounts/login_link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/login_link_request.html", {"form": form, "next": safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not spend a single-use link.
    if request.method == "POST":
        try:
            user = services.login_link_use(token=token)
        except ValidationError as error:
            return render(request, "accounts/login_link.html", {"error": error.messages[0]}, status=400)
        login(request, user, backend=BACKEND)
        return redirect(safe_next(request, reverse("wallet:home")))
    return render(request, "accounts/login_link.html", {"next": safe_next(request, "")})


@require_http_methods(["GET"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        address = services.email_verification_confirm(token=token)
    except ValidationError as error:
        return render(request, "accounts/verify_email.html", {"error": error.messages[0]}, status=400)
    return render(request, "accounts/verify_email.html", {"address": address})


@login_required
@require_http_methods(["GET", "POST"])
def email_addresses(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttle.check(throttle.ADDRESS_ADD_PER_ACCOUNT, f"user:{request.user.pk}")
        throttle.check(throttle.SIGNUP_PER_ADDRESS, form.cleaned_data["email"])
        try:
            services.email_address_request(user=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Nous avons envoyé un lien à cette adresse. Ouvrez-le pour la vérifier."))
            return redirect("accounts:emails")
    addresses = request.user.email_addresses.order_by("-primary", "email")
    return render(request, "accounts/emails.html", {"form": form, "addresses": addresses})


@login_required
@require_POST
def email_address_remove(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(EmailAddress, pk=pk, user=request.user)
    try:
        services.email_address_remove(user=request.user, address=address)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Adresse retirée."))
    return redirect("accounts:emails")


@login_required
@require_POST
def email_address_resend(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(EmailAddress, pk=pk, user=request.user, verified_at__isnull=True)
    throttle.check(throttle.ADDRESS_ADD_PER_ACCOUNT, f"user:{request.user.pk}")
    throttle.check(throttle.SIGNUP_PER_ADDRESS, address.email)
    services.email_verification_send(address=address)
    messages.success(request, _("Nous avons renvoyé le lien de vérification."))
    return redirect("accounts:emails")
