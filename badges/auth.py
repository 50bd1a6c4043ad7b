from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """Beneficiaries sign in with any of their verified e-mail addresses;
    staff may also use their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            User = get_user_model()
            user = (
                User.objects.filter(email_addresses__email=username.strip().lower(),
                                    email_addresses__verified_at__isnull=False).first()
                or User.objects.filter(email__iexact=username.strip()).order_by("pk").first()
            )
            if user is None:
                User().set_password(password)  # same cost as a real check: no user enumeration by timing
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
