"""The public "Vérifier un badge" page: any badge, from this platform or another.

The form records a job and a worker verifies it (it may have to fetch other servers); the
result page refreshes itself until the report is there. Only the browser session that asked
can open it, through its unguessable token, until it expires."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from badges import throttle
from badges.models import VerificationJob
from badges.services.verifier import verification_job_create
from badges.verifier_forms import VerifyForm

SESSION_KEY = "verification_jobs"
POLL_SECONDS = 2


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            throttle.check(throttle.VERIFIER_PER_CLIENT, throttle.client_ip(request))
            job = verification_job_create(file=form.cleaned_data["file"], text=form.cleaned_data["text"] or "",
                                          expected_email=form.cleaned_data["email"])
            # Kept short: the most recent jobs are enough to find one's results again.
            request.session[SESSION_KEY] = [job.token, *request.session.get(SESSION_KEY, [])][:20]
            return redirect("badges:verify_result", token=job.token)
    else:
        # "Vérifier ce badge" on a public badge page hands over its address.
        form = VerifyForm(initial={"text": request.GET.get("url", "")[:2000]})
    return render(request, "badges/verify.html", {"form": form})


@require_GET
def verify_result(request: HttpRequest, token: str) -> HttpResponse:
    if token not in request.session.get(SESSION_KEY, []):
        raise Http404
    job = get_object_or_404(VerificationJob, token=token)
    if job.is_expired:
        raise Http404
    return render(request, "badges/verify.html", {
        "form": VerifyForm(), "job": job, "report": job.report if job.status == job.Status.DONE else None,
        "poll_seconds": None if job.is_finished else POLL_SECONDS,
    })
