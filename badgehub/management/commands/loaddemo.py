from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from badgehub.demo import DEMO_PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo catalogue (MedNum BFC, IAE PEPITES, Info Jeunes) and demo people. Idempotent."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            # The demo people have published passwords, one of them a superuser.
            raise CommandError(
                "loaddemo refuses to run in production (BADGEHUB_MODE=production): it creates demo accounts "
                "whose passwords are public, a superuser among them. Create real accounts with "
                "'manage.py createsuperuser'."
            )
        result = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo catalogue loaded:"))
        for issuer in result["issuers"]:
            self.stdout.write(f"  {issuer.name}: {issuer.badge_classes.count()} badges, "
                              f"{issuer.pathways.count()} pathways")
        network = result["network"]
        self.stdout.write(f"  {network.name}: activity report at "
                          f"{settings.SITE_URL}{reverse('reports:network', args=[network.public_id])}")
        self.stdout.write("Demo logins (username or e-mail / password):")
        for username, (_first, _last, email, password, admin) in DEMO_PEOPLE.items():
            role = " (network admin, /admin/)" if admin else ""
            self.stdout.write(f"  {username:<13} {email:<42} {password}{role}")
        self.stdout.write(f"Open {settings.SITE_URL}/")
