"""Who reads which activity report.

Issuer owners and administrators read their issuer's report, network administrators
their network's and each member issuer's; a mediator reads the report of an issuer
they issue for, reduced to the badges they issued themselves. Anyone else: 403."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from issuers.models import Issuer, Membership, Network


@dataclass
class Scope:
    title: str
    kind: str  # "issuer" or "network"
    issuers: list[Issuer]
    network: Network | None = None
    # Set when the reader only sees their own activity (a mediator).
    mediator: object = None

    @property
    def issuer_ids(self) -> list[int]:
        return [issuer.pk for issuer in self.issuers]

    @property
    def public_id(self):
        return self.network.public_id if self.network else self.issuers[0].public_id


def scope_for_issuer(*, user, public_id) -> Scope:
    issuer = get_object_or_404(Issuer, public_id=public_id)
    if user.is_superuser or Network.objects.filter(issuers=issuer, admins=user).exists():
        return Scope(title=issuer.name, kind="issuer", issuers=[issuer])
    role = Membership.objects.filter(user=user, issuer=issuer).values_list("role", flat=True).first()
    if role in Membership.STAFF_ROLES:
        return Scope(title=issuer.name, kind="issuer", issuers=[issuer])
    if role == Membership.Role.MEDIATOR:
        return Scope(title=issuer.name, kind="issuer", issuers=[issuer], mediator=user)
    raise PermissionDenied


def scope_for_network(*, user, public_id) -> Scope:
    network = get_object_or_404(Network, public_id=public_id)
    if not (user.is_superuser or network.admins.filter(pk=user.pk).exists()):
        raise PermissionDenied
    return Scope(title=network.name, kind="network", issuers=list(network.issuers.order_by("name")),
                 network=network)
