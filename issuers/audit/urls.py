from django.urls import path

from issuers.audit import views

app_name = "audit"
urlpatterns = [
    path("structures/<uuid:issuer_id>/journal/", views.issuer_log, name="issuer_log"),
    path("structures/<uuid:issuer_id>/journal.csv", views.issuer_log_csv, name="issuer_log_csv"),
]
