from django.urls import path

from badges.reports import views

app_name = "reports"

urlpatterns = [
    path("<uuid:public_id>/", views.report, {"scope_kind": "issuer"}, name="issuer"),
    path("reseau/<uuid:public_id>/", views.report, {"scope_kind": "network"}, name="network"),
]
