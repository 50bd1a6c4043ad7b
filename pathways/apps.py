from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Parcours")

    def ready(self) -> None:
        from pathways import receivers  # noqa: F401  (connects to badges' announcements)
