"""Dynamic registration refuses redirect URIs that are not strings, or longer than 500 characters,
with a clear error, never a server error (docs/mutation.md, ob3api.protect)."""

import pytest

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("uri", [5, 3.5, {"uri": "https://wallet.example/cb"}], ids=["int", "float", "object"])
def test_a_redirect_uri_that_is_not_a_string_is_refused(client, uri):
    refused = register(client, redirect_uris=[uri])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"


def test_a_redirect_uri_of_exactly_500_characters_is_accepted_and_501_refused(client):
    base = "https://wallet.example/"
    assert register(client, redirect_uris=[base + "x" * (500 - len(base))]).status_code == 201
    refused = register(client, redirect_uris=[base + "x" * (501 - len(base))])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize("uri", ["https://wallet.example/cb#", "https://u@wallet.example/cb",
                                 "https://:p@wallet.example/cb"], ids=["empty-fragment", "user-only", "password-only"])
def test_an_empty_fragment_or_a_user_name_alone_is_refused(client, uri):
    refused = register(client, redirect_uris=[uri])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_redirect_uri"
