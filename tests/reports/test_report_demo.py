import pytest
from django.core.management import call_command

from badges.models import BadgeClass
from issuers.models import Issuer, Network

pytestmark = pytest.mark.django_db


def test_the_demo_network_groups_its_issuers_with_their_territory_and_coop_tags(client, capsys):
    call_command("loaddemo")
    call_command("loaddemo")  # idempotent
    network = Network.objects.get()
    assert sorted(network.issuers.values_list("departement", flat=True)) == ["14", "33", "70"]
    assert Issuer.objects.get(name="Réseau OpenJob — Haute-Saône numérique").commune_insee == "70550"
    assert BadgeClass.objects.get(name="Je sais envoyer et recevoir des mails").coop_thematiques == ["email"]
    assert f"/badges/bilans/reseau/{network.public_id}/" in capsys.readouterr().out
    client.force_login(network.admins.get())
    page = client.get(f"/badges/bilans/reseau/{network.public_id}/").content.decode()
    assert "IAE Nouvelle-Aquitaine — PEPITES" in page
    assert "prendre_en_main_du_materiel" in page  # the demo badges issued, by Coop thématique
