from django.urls import path

from badges import views

app_name = "badges"
urlpatterns = [
    path("classes/<uuid:public_id>/", views.badge_class_detail, name="class_detail"),
    path("assertions/<uuid:public_id>/", views.assertion_detail, name="assertion_detail"),
    path("claim/<str:token>/", views.claim, name="claim"),
]
