import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from badgehub.demo import badge_png
from badges.models import Assertion, BadgeClass
from issuers.models import Issuer
from issuers.services import issuer_ensure_keys


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            from badges.services import email_address_add

            email_address_add(user=obj, email=obj.email, verified=True)
            obj.save()


class IssuerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issuer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Réseau {n}")
    email = factory.Sequence(lambda n: f"contact{n}@issuer.example.org")
    url = "https://issuer.example.org"

    @factory.post_generation
    def keys(obj, create, extracted, **kwargs):
        if create:
            issuer_ensure_keys(issuer=obj)


class BadgeClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeClass

    issuer = factory.SubFactory(IssuerFactory)
    name = factory.Sequence(lambda n: f"Je sais faire la chose n°{n}")
    description = "Reconnaît une compétence numérique observée."
    criteria_narrative = "Le médiateur a observé la personne le faire seule."
    image = factory.LazyFunction(lambda: ContentFile(badge_png("T", "#0b5cad"), name="test.png"))


class AssertionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assertion

    badge_class = factory.SubFactory(BadgeClassFactory)
    recipient_email = factory.Sequence(lambda n: f"beneficiaire{n}@example.org")
    recipient_name = factory.Faker("name", locale="fr_FR")
