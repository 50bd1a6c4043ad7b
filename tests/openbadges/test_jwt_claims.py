"""A VC-JWT's registered claims must say what its credential says (OB 3.0 §8.2): a token whose
``sub`` names someone else, or whose dates only roughly match, does not vouch for the badge."""

from datetime import UTC, datetime

import jwt as pyjwt
import pytest

from badges.openbadges import keys
from badges.openbadges.proofs import _claims_problem, _same_moment, verify_vc_jwt

ISSUER = "https://badges.example.org/issuers/1"
VALID_FROM = "2025-01-10T00:00:00Z"
NBF = int(datetime(2025, 1, 10, tzinfo=UTC).timestamp())


def credential(subject_id: str | None = "did:example:alice", **extra) -> dict:
    subject = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    return {"id": "urn:uuid:1", "issuer": {"id": ISSUER}, "validFrom": VALID_FROM, "credentialSubject": subject,
            **extra}


def claims(**overrides) -> dict:
    return {"iss": ISSUER, "jti": "urn:uuid:1", "sub": "did:example:alice", "nbf": NBF, **overrides}


def test_matching_claims_vouch_for_the_credential():
    assert _claims_problem(claims(), credential(), legacy=False) == ""


def test_a_sub_naming_someone_else_is_refused():
    assert "sub" in _claims_problem(claims(sub="did:example:mallory"), credential(), legacy=False)
    token = claims()
    del token["sub"]
    assert "sub" in _claims_problem(token, credential(), legacy=False)


def test_a_sub_for_a_credential_without_subject_id_is_refused_unless_it_is_our_old_hashed_email():
    hashed = credential(None)
    hashed["credentialSubject"]["identifier"] = [{"identityHash": "sha256$abc", "identityType": "emailAddress"}]
    assert "sub" in _claims_problem(claims(sub="sha256$abc"), hashed, legacy=False)
    assert _claims_problem(claims(sub="sha256$abc"), hashed, legacy=True) == ""
    assert "sub" in _claims_problem(claims(sub="sha256$other"), hashed, legacy=True)


def test_dates_must_be_the_same_moment():
    assert _same_moment(NBF, VALID_FROM)
    assert not _same_moment(NBF + 1, VALID_FROM)
    assert not _same_moment(NBF + 0.5, VALID_FROM)  # half a second off is another moment
    assert not _same_moment(True, VALID_FROM) and not _same_moment(str(NBF), VALID_FROM)
    # A fractional date written as whole seconds is accepted (many libraries truncate); not the other way round.
    assert _same_moment(NBF, "2025-01-10T00:00:00.250Z")
    assert not _same_moment(NBF + 0.25, VALID_FROM)
    assert not _same_moment(-NBF, VALID_FROM)


@pytest.mark.parametrize("nbf", [NBF + 3600, True, None])
def test_an_nbf_that_is_not_the_issuance_date_is_refused(nbf):
    token = claims(nbf=nbf)
    if nbf is None:
        del token["nbf"]
    assert "nbf" in _claims_problem(token, credential(), legacy=False)


def test_vc_1_1_dates_are_read_too():
    legacy = credential(issuanceDate=VALID_FROM, expirationDate="2026-01-10T00:00:00Z")
    del legacy["validFrom"]
    exp = int(datetime(2026, 1, 10, tzinfo=UTC).timestamp())
    assert _claims_problem(claims(exp=exp), legacy, legacy=True) == ""
    assert "nbf" in _claims_problem(claims(nbf=NBF + 60, exp=exp), legacy, legacy=True)
    assert "exp" in _claims_problem(claims(exp=exp + 60), legacy, legacy=True)
    assert "exp" in _claims_problem(claims(), legacy, legacy=True)  # an expiring badge needs its exp


def test_an_exp_for_a_badge_that_never_expires_is_refused():
    assert "exp" in _claims_problem(claims(exp=NBF + 3600), credential(), legacy=False)


def test_an_unreadable_token_or_one_without_kid_is_not_verified():
    result = verify_vc_jwt("not-a-jwt", None)
    assert not result.verified and result.error.startswith("JWT illisible")
    token = pyjwt.encode({"iss": ISSUER}, "secret-that-does-not-matter-here-32b", algorithm="HS256")
    assert "Algorithme non pris en charge" in verify_vc_jwt(token, None).error
    unsigned_kid = pyjwt.encode({"iss": ISSUER}, keys.generate_ed25519().private_pem, algorithm="EdDSA")
    result = verify_vc_jwt(unsigned_kid, None)
    assert not result.verified and result.error == "En-tête kid absent : la clé de l'émetteur n'est pas désignée"
