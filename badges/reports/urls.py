from django.urls import path

from badges.reports import views

app_name = "reports"

urlpatterns = [
    path("<uuid:public_id>/", views.issuer_report, name="issuer"),
    path("reseau/<uuid:public_id>/", views.network_report, name="network"),
]
