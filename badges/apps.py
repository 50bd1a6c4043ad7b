from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from badges import (
            auth,  # noqa: F401  (connects the failed sign-in counter)
            receivers,  # noqa: F401  (signs OB 2.0 badges again after a key rotation)
        )
