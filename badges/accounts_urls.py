from django.contrib.auth import views as auth_views
from django.urls import path

from badges.forms import LoginForm
from badges.views import accounts

app_name = "accounts"
urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                   authentication_form=LoginForm), name="login"),
    path("bienvenue/", accounts.after_login, name="after_login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", accounts.signup, name="signup"),
    path("lien/", accounts.login_link_request, name="login_link_request"),
    path("lien/<str:token>/", accounts.login_link, name="login_link"),
    path("adresses/", accounts.email_addresses, name="emails"),
    path("adresses/<int:pk>/retirer/", accounts.email_address_remove, name="email_remove"),
    path("adresses/<int:pk>/renvoyer/", accounts.email_address_resend, name="email_resend"),
    path("adresses/verifier/<str:token>/", accounts.verify_email, name="verify_email"),
]
