import pytest

from badges.models import BadgeClass
from issuers.models import Network

pytestmark = pytest.mark.django_db


def test_a_network_is_built_in_the_django_admin_with_its_issuers_and_admins(admin_client, activity):
    assert admin_client.get("/admin/issuers/network/add/").status_code == 200
    response = admin_client.post("/admin/issuers/network/add/", {
        "name": "Réseau Doubs", "issuers": [activity.besancon.pk], "admins": [activity.people["admin"].pk]})
    assert response.status_code == 302
    network = Network.objects.get(name="Réseau Doubs")
    assert list(network.issuers.all()) == [activity.besancon]
    assert list(network.admins.all()) == [activity.people["admin"]]


def test_badge_classes_are_tagged_with_the_coop_thematiques_in_the_admin(admin_client, activity):
    page = admin_client.get(f"/admin/badges/badgeclass/{activity.computer.pk}/change/").content.decode()
    assert 'value="aide_aux_demarches_administratives"' in page and 'type="checkbox"' in page
    assert 'value="partiellement_autonome"' in page
    assert BadgeClass.objects.get(pk=activity.computer.pk).coop_thematiques == ["prendre_en_main_du_materiel"]
