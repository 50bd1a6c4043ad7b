from django.urls import path

from pathways import views

app_name = "pathways"
urlpatterns = [
    path("<uuid:public_id>/", views.pathway_detail, name="detail"),
    path("a-confirmer/<uuid:issuer_id>/", views.steps_due, name="steps_due"),
    path("a-confirmer/<uuid:issuer_id>/<int:enrolment_id>/<int:step_id>/", views.step_confirm, name="step_confirm"),
]
