"""The partner space ("espace partenaire"): issuing, applications review, staff pages."""

from django.urls import path, re_path

from badges.api_v1 import partner_views as api
from badges.views import applications, desk, partner, staff

app_name = "partner"
urlpatterns = [
    path("", partner.home, name="home"),
    path("delivrer/<uuid:public_id>/", partner.issue, name="issue"),
    path("delivrer/<uuid:public_id>/apercu/", partner.issue_preview, name="issue_preview"),
    path("delivrer/<uuid:public_id>/groupe/", partner.batch_new, name="batch_new"),
    path("delivrer/<uuid:public_id>/groupe/modele.csv", partner.batch_template, name="batch_template"),
    path("delivrer/<uuid:public_id>/sur-place/", desk.desk_new, name="desk_new"),
    path("sur-place/<uuid:public_id>/", desk.desk_award, name="desk_award"),
    path("sur-place/<uuid:public_id>/nouveau-code/", desk.desk_renew, name="desk_renew"),
    path("groupes/<uuid:public_id>/", partner.batch_detail, name="batch_detail"),
    path("groupes/<uuid:public_id>/delivrer/", partner.batch_start, name="batch_start"),
    path("groupes/<uuid:public_id>/progression.json", partner.batch_progress, name="batch_progress"),
    path("groupes/<uuid:public_id>/lignes-rejetees.csv", partner.batch_rejected, name="batch_rejected"),
    # Badges on request: public pages (QR codes lead here) and the applicant's own page.
    path("d/<str:code>/", applications.short_link, name="short_link"),
    path("demander/<uuid:public_id>/", applications.request_page, name="request"),
    path("demander/<uuid:public_id>/affiche/", applications.request_poster, name="request_poster"),
    re_path(r"^demander/(?P<public_id>[0-9a-f-]{36})/qr\.(?P<fmt>png|svg)$", applications.request_qr,
            name="request_qr"),
    path("demander/<uuid:public_id>/auto-declarer/", applications.self_issue, name="self_issue"),
    path("demande/<str:token>/", applications.application_edit, name="application_edit"),
    path("evaluations/", applications.review_queue, name="review_queue"),
    path("evaluations/<uuid:public_id>/", applications.review, name="review"),
    # Issuer staff pages.
    path("structures/<uuid:issuer_id>/badges-delivres/", staff.assertions, name="assertions"),
    path("structures/<uuid:issuer_id>/badges-delivres/<uuid:public_id>/revoquer/", staff.assertion_revoke,
         name="assertion_revoke"),
    path("structures/<uuid:issuer_id>/badges-delivres/<uuid:public_id>/corriger/", staff.assertion_correct,
         name="assertion_correct"),
    path("structures/<uuid:issuer_id>/demandes/", staff.applications, name="applications"),
    path("structures/<uuid:issuer_id>/e-mails/", staff.emails, name="emails"),
    path("structures/<uuid:issuer_id>/e-mails/<int:email_id>/renvoyer/", staff.email_resend, name="email_resend"),
    # The API: tokens and webhooks (badges.api_v1).
    path("structures/<uuid:issuer_id>/api/jetons/", api.api_tokens, name="api_tokens"),
    path("structures/<uuid:issuer_id>/api/jetons/<uuid:public_id>/revoquer/", api.api_token_revoke,
         name="api_token_revoke"),
    path("structures/<uuid:issuer_id>/api/webhooks/", api.webhook_list, name="webhooks"),
    path("structures/<uuid:issuer_id>/api/webhooks/<uuid:public_id>/", api.webhook_detail, name="webhook_detail"),
    path("structures/<uuid:issuer_id>/api/webhooks/<uuid:public_id>/renvoyer/<uuid:delivery_id>/",
         api.webhook_resend, name="webhook_resend"),
    path("structures/<uuid:issuer_id>/api/webhooks/<uuid:public_id>/reactiver/", api.webhook_enable,
         name="webhook_enable"),
    path("structures/<uuid:issuer_id>/api/webhooks/<uuid:public_id>/supprimer/", api.webhook_delete,
         name="webhook_delete"),
]
