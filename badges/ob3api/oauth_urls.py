"""/ims/ob/v3p0/oauth/: django-oauth-toolkit's endpoints, only those the OB 3.0 API uses (no
application management pages). The namespace is DOT's own: its metadata view reverses it."""

from django.urls import path
from oauth2_provider import views as oauth_views

from badges.ob3api import views

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize", views.Authorize.as_view(), name="authorize"),
    path("token", oauth_views.TokenView.as_view(), name="token"),
    path("revoke", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
]
