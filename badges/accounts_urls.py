from django.contrib.auth import views as auth_views
from django.urls import path

from badges.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                   authentication_form=LoginForm), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
