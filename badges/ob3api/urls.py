"""/ims/ob/v3p0/: the Open Badges 3.0 API (Service Provider)."""

from django.urls import path

from badges.ob3api import views

app_name = "ob3api"
urlpatterns = [
    path("discovery", views.discovery, name="discovery"),
    path("credentials", views.credentials, name="credentials"),
    path("profile", views.profile, name="profile"),
    path("oauth/register", views.register, name="register"),
]
