"""Partner-space pages of the API: the issuer's tokens and webhooks (owners and admins only;
anyone else gets a 404, as for the other staff pages)."""

import uuid
from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from badges import throttle
from badges.api_v1 import tokens, webhooks
from badges.api_v1.models import ApiToken, Event, Scope, WebhookDelivery, WebhookEndpoint
from issuers.models import Issuer, Membership
from issuers.selectors import get_issuer_for_user


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du jeton"), max_length=100,
                           help_text=gettext_lazy("Par exemple : « CRM de l'association »."))
    scopes = forms.MultipleChoiceField(label=gettext_lazy("Droits"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=gettext_lazy("Expire le (facultatif)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class WebhookForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("Adresse qui reçoit les événements"), max_length=500,
                         assume_scheme="https")
    events = forms.MultipleChoiceField(label=gettext_lazy("Événements"), choices=Event.choices,
                                       widget=forms.CheckboxSelectMultiple)


def _staff_issuer(request: HttpRequest, issuer_id: uuid.UUID) -> Issuer:
    return get_issuer_for_user(user=request.user, public_id=issuer_id, roles=Membership.STAFF_ROLES)


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["expires_on"]
        expires_at = timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day else None
        try:
            token, secret = tokens.api_token_create(issuer=issuer, created_by=request.user,
                                                    name=form.cleaned_data["name"],
                                                    scopes=form.cleaned_data["scopes"], expires_at=expires_at)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            form = TokenForm()
    response = render(request, "badges/partner/api_tokens.html", {
        "issuer": issuer, "form": form, "secret": secret,
        "tokens": ApiToken.objects.filter(issuer=issuer).select_related("created_by"),
        "scope_labels": dict(Scope.choices),
    })
    if secret:
        response["Cache-Control"] = "no-store"  # the one page that shows the secret
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    token = get_object_or_404(ApiToken, issuer=issuer, public_id=public_id)
    tokens.api_token_revoke(token=token, revoked_by=request.user)
    messages.success(request, _("Jeton révoqué : il ne permet plus aucune opération."))
    return redirect("partner:api_tokens", issuer_id=issuer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest, issuer_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _endpoint, secret = webhooks.webhook_endpoint_create(
                issuer=issuer, created_by=request.user, url=form.cleaned_data["url"],
                events=form.cleaned_data["events"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            form = WebhookForm()
    response = render(request, "badges/partner/webhooks.html", {
        "issuer": issuer, "form": form, "secret": secret,
        "endpoints": WebhookEndpoint.objects.filter(issuer=issuer), "event_labels": dict(Event.choices),
        "replay_window": webhooks.REPLAY_WINDOW_S,
    })
    if secret:
        response["Cache-Control"] = "no-store"
    return response


def _issuer_endpoint(issuer: Issuer, public_id: uuid.UUID) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, issuer=issuer, public_id=public_id)


@login_required
@require_GET
def webhook_detail(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    endpoint = _issuer_endpoint(issuer, public_id)
    deliveries = endpoint.deliveries.prefetch_related("attempt_log")[:100]
    return render(request, "badges/partner/webhook_detail.html", {
        "issuer": issuer, "endpoint": endpoint, "deliveries": deliveries, "event_labels": dict(Event.choices)})


@login_required
@require_POST
def webhook_resend(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID,
                   delivery_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    endpoint = _issuer_endpoint(issuer, public_id)
    delivery = get_object_or_404(WebhookDelivery, endpoint=endpoint, public_id=delivery_id)
    throttle.check(throttle.WEBHOOK_RESEND_PER_ACCOUNT, f"user:{request.user.pk}")
    webhooks.webhook_resend(delivery=delivery, resent_by=request.user)
    messages.success(request, _("Envoi relancé : le résultat s'affiche dans le journal dans un instant."))
    return redirect("partner:webhook_detail", issuer_id=issuer.public_id, public_id=endpoint.public_id)


@login_required
@require_POST
def webhook_enable(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    webhooks.webhook_endpoint_enable(endpoint=_issuer_endpoint(issuer, public_id), enabled_by=request.user)
    messages.success(request, _("Webhook réactivé."))
    return redirect("partner:webhook_detail", issuer_id=issuer.public_id, public_id=public_id)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, issuer_id: uuid.UUID, public_id: uuid.UUID) -> HttpResponse:
    issuer = _staff_issuer(request, issuer_id)
    webhooks.webhook_endpoint_delete(endpoint=_issuer_endpoint(issuer, public_id), deleted_by=request.user)
    messages.success(request, _("Webhook supprimé."))
    return redirect("partner:webhooks", issuer_id=issuer.public_id)
