from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndorsementsConfig(AppConfig):
    name = "endorsements"
    verbose_name = _("Recommandations")

    def ready(self) -> None:
        from endorsements import receivers  # noqa: F401  (cached hosted documents follow endorsements)
