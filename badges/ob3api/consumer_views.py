"""The beneficiary sends one of their badges to another Open Badges 3.0 platform."""

import secrets

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from badges import selectors, throttle
from badges.ob3api.consumer import SendError, authorization_start, credential_send, platform_for
from badges.ob3api.models import RemotePlatform

SESSION_KEY = "ob3api_send"


class PlatformForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Adresse de la plateforme"), max_length=300,
        help_text=gettext_lazy("Par exemple : passeport.exemple.fr"),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def send_to_platform(request: HttpRequest, public_id) -> HttpResponse:
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=public_id)
    form = PlatformForm(request.POST or None)
    context = {"assertion": assertion, "badge_class": assertion.badge_class, "form": form}
    if assertion.revoked:
        context["error"] = _("Ce badge a été révoqué : il ne peut pas être envoyé.")
        return render(request, "badges/ob3api/send.html", context, status=400)
    if not assertion.ob3_credential:
        context["error"] = _("Ce badge est encore en préparation. Réessayez dans quelques minutes.")
        return render(request, "badges/ob3api/send.html", context)
    if request.method == "POST" and form.is_valid():
        # Each send reads another server's description and may register with it.
        throttle.check(throttle.PLATFORM_SEND_PER_ACCOUNT, f"user:{request.user.pk}")
        try:
            platform = platform_for(form.cleaned_data["address"])
        except SendError as exc:
            form.add_error("address", str(exc))
        else:
            start = authorization_start(platform=platform)
            request.session[SESSION_KEY] = {"state": start.state, "verifier": start.code_verifier,
                                            "platform": platform.pk, "assertion": str(assertion.public_id)}
            # A link the person follows (not a redirect after our form): they see where they go,
            # and the page's form-action 'self' never has to allow another site.
            return render(request, "badges/ob3api/send_continue.html",
                          {**context, "platform": platform, "authorization_url": start.url})
    return render(request, "badges/ob3api/send.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def platform_callback(request: HttpRequest) -> HttpResponse:
    """The other platform sends the person back here with a code (or their refusal)."""
    pending = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not pending or not state or not secrets.compare_digest(state, pending["state"]):
        return render(request, "badges/ob3api/send_result.html",
                      {"error": _("Ce lien de retour n'est pas valable (ou a déjà servi). Recommencez l'envoi "
                                  "depuis la page de votre badge.")}, status=400)
    assertion = selectors.get_assertion_for_owner(user=request.user, public_id=pending["assertion"])
    platform = RemotePlatform.objects.get(pk=pending["platform"])
    context = {"assertion": assertion, "badge_class": assertion.badge_class, "platform": platform}
    if request.GET.get("error") or not request.GET.get("code"):
        context["error"] = (_("Vous avez refusé l'accès : votre badge n'a pas été envoyé.")
                            if request.GET.get("error") == "access_denied"
                            else _("La plateforme n'a pas donné son accord : votre badge n'a pas été envoyé."))
        return render(request, "badges/ob3api/send_result.html", context, status=400)
    try:
        context["created"] = credential_send(platform=platform, code=request.GET["code"],
                                             code_verifier=pending["verifier"], assertion=assertion)
    except SendError as exc:
        context["error"] = str(exc)
        return render(request, "badges/ob3api/send_result.html", context, status=502)
    return render(request, "badges/ob3api/send_result.html", context)
