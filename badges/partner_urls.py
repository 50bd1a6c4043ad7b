"""The partner space ("espace partenaire"): issuing, applications review, staff pages."""

from django.urls import path

from badges.views import partner

app_name = "partner"
urlpatterns = [
    path("", partner.home, name="home"),
    path("delivrer/<uuid:public_id>/", partner.issue, name="issue"),
    path("delivrer/<uuid:public_id>/apercu/", partner.issue_preview, name="issue_preview"),
    path("delivrer/<uuid:public_id>/groupe/", partner.batch_new, name="batch_new"),
    path("groupes/<uuid:public_id>/", partner.batch_detail, name="batch_detail"),
    path("groupes/<uuid:public_id>/delivrer/", partner.batch_start, name="batch_start"),
    path("groupes/<uuid:public_id>/progression.json", partner.batch_progress, name="batch_progress"),
    path("groupes/<uuid:public_id>/lignes-rejetees.csv", partner.batch_rejected, name="batch_rejected"),
]
