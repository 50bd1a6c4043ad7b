from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from badges.verification import verify_badge
from badges.verifier_forms import VerifyForm


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Public "Vérifier un badge" page: any badge, from this platform or another."""
    report = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"] or form.cleaned_data["text"]
            report = verify_badge(data, expected_email=form.cleaned_data["email"])
    else:
        form = VerifyForm()
    return render(request, "badges/verify.html", {"form": form, "report": report})
