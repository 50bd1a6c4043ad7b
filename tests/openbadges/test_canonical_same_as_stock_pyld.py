"""What we canonicalise, with every cache and hook ``jsonld.py`` adds to pyld, is byte for
byte what stock pyld makes of the same document in a process of its own, fresh, with no
cache: on every kind of document we sign, warm or cold, and on near-twins that a cache
keyed too loosely would confuse. Ed25519 is deterministic, so the signatures are the same too."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import base58
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges.openbadges import jsonld, keys, ob2, ob3, proofs
from badges.openbadges.data import AlignmentData, EndorsementData, EvidenceData, IssuerData

from . import stock_pyld
from .factories import ISSUER_ID, KEY_URL, SITE, assertion, badge, issuer, status_entry

VECTORS = Path(__file__).parent / "vectors" / "eddsa-rdfc-2022"
PAIR = keys.generate_ed25519()
DID = "did:web:badgehub.example:issuers:fablab"


def _clear_caches() -> None:
    jsonld.clear_caches()
    proofs._canonize_config.cache_clear()


def _endorsement(subject_id: str, comment: str) -> dict:
    endorser = IssuerData(id=f"{SITE}/endorsers/region", name="Région Bourgogne-Franche-Comté",
                          url="https://region.example")
    unsigned = ob3.endorsement_credential(EndorsementData(
        id=f"{SITE}/endorsements/{abs(hash(comment)) % 10**6}", endorser=endorser, subject_id=subject_id,
        comment=comment, valid_from=datetime(2025, 1, 5, tzinfo=UTC)))
    return proofs.add_data_integrity_proof(unsigned, PAIR.private_pem, f"{SITE}/endorsers/keys/1",
                                           "2025-01-05T00:00:00.123456Z")


def variants() -> list[tuple[str, dict]]:
    """Every kind of document we sign or hash, as the engine builds them."""
    many_alignments = badge(alignments=(
        AlignmentData("Soudeur", "https://rome.example/H2913", target_framework="ROME", target_code="H2913",
                      target_description="Soudure manuelle"),
        AlignmentData("Pix 1.1", "https://pix.example/1.1", target_framework="Pix"),
    ), criteria_url=f"{SITE}/badges/soudure/criteres", tags=("métal", "atelier"), achievement_type="Competency")
    endorsed_badge = badge(endorsement_credentials=(_endorsement(badge().id, "Nous apprécions ce badge."),),
                           issuer=issuer(endorsement_credentials=(_endorsement(ISSUER_ID, "Structure reconnue."),)))
    did_issuer = issuer(id=DID, public_key_urls=())
    return [
        ("credential", ob3.build_credential(assertion(), status=status_entry())),
        ("self-declared", ob3.build_credential(assertion(evidence=()), self_issued=True)),
        ("with evidence", ob3.build_credential(assertion(evidence=(
            EvidenceData(id="https://portfolio.example/a/1", narrative="Photos", name="Portfolio", genre="Photo",
                         description="Trois pièces", audience="Recruteurs"),
            EvidenceData(narrative="Observé par la médiatrice, sans lien"),
        )), status=status_entry(3))),
        ("expiring", ob3.build_credential(assertion(expires=datetime(2027, 1, 10, 9, 30, tzinfo=UTC)),
                                          status=status_entry(11))),
        ("endorsed", ob3.build_credential(assertion(badge=endorsed_badge), status=status_entry(12))),
        ("alignments and criteria url", ob3.build_credential(assertion(badge=many_alignments))),
        ("no schema, did:web issuer", ob3.build_credential(
            assertion(badge=badge(issuer=did_issuer)), include_schema=False)),
        ("revoked status entry", ob3.build_credential(assertion(id=f"{SITE}/assertions/revoked"),
                                                      status=status_entry(131071))),
        ("endorsement credential", ob3.endorsement_credential(EndorsementData(
            id=f"{SITE}/endorsements/e2", endorser=issuer(), subject_id=badge().id,
            comment="Nous apprécions ce badge.", valid_from=datetime(2025, 2, 1, tzinfo=UTC), name="Soutien"))),
        ("status list with revoked bits", ob3.build_status_list_credential(
            f"{SITE}/status/1", issuer(), {0, 7, 131071}, valid_from="2025-05-01T00:00:00Z")),
        ("empty status list", ob3.build_status_list_credential(f"{SITE}/status/2", ISSUER_ID, set())),
        ("issuer profile", ob3.issuer_profile_document(issuer(endorsement_credentials=(
            _endorsement(ISSUER_ID, "Structure reconnue."),)))),
        ("multikey", ob3.multikey_document(KEY_URL, ISSUER_ID, PAIR.public_multibase,
                                           revoked="2026-01-01T00:00:00Z")),
        ("OB 2.0 assertion", ob2.assertion(assertion())),
    ] + [(path.name, json.loads(path.read_text())) for path in sorted(VECTORS.glob("*.json"))
         if "@context" in json.loads(path.read_text())]


def _config(document: dict, created: str) -> dict:
    return {"type": "DataIntegrityProof", "cryptosuite": proofs.CRYPTOSUITE, "created": created,
            "verificationMethod": KEY_URL, "proofPurpose": "assertionMethod", "@context": document["@context"]}


def _ours(documents: list[dict]) -> list[str]:
    return [jsonld.canonize(d) for d in documents]


def test_every_variant_canonicalises_as_stock_pyld_cold_and_warm():
    named = variants()
    documents = [d for _, d in named]
    # The proof configuration of each signed kind (whose contexts define the proof terms).
    signed = [(f"{name}: proof configuration", d) for name, d in named if jsonld.CREDENTIALS_V2 in d["@context"]]
    configs = [_config(d, f"2025-06-01T12:00:{i:02d}.{i * 1000:06d}Z") for i, (_, d) in enumerate(signed)]
    _clear_caches()
    cold = []
    for document in documents + configs:
        _clear_caches()
        cold.append(jsonld.canonize(document))
    warm = _ours(documents + configs)  # every cache now holds the nodes of all the others
    stock = stock_pyld.run("canon", {"documents": documents + configs})
    for (name, _), ours_cold, ours_warm, theirs in zip(named + signed, cold, warm, stock, strict=True):
        assert ours_cold == theirs, name
        assert ours_warm == theirs, name
        assert theirs.strip(), name  # a document that canonicalises to nothing would prove nothing


def test_the_signature_is_the_one_stock_pyld_would_make():
    private = keys.ed25519_private(PAIR.private_pem)
    named = [(n, d) for n, d in variants() if n in ("credential", "endorsed", "status list with revoked bits",
                                                    "endorsement credential", "self-declared")]
    created = ["2025-06-01T12:00:00.000001Z", "2025-06-01T12:00:00.000002Z", "2025-06-01T12:00:00Z",
               "2025-06-01T12:00:01.5Z", "2025-06-01T12:00:00.000001Z"]
    signed = [proofs.add_data_integrity_proof(d, private, KEY_URL, c) for (_, d), c in zip(named, created,
                                                                                          strict=True)]
    stock = stock_pyld.run("canon", {"documents": [_config(d, c) for (_, d), c in zip(named, created, strict=True)]
                                     + [d for _, d in named]})
    for i, ((name, _), secured) in enumerate(zip(named, signed, strict=True)):
        digest = hashlib.sha256(stock[i].encode()).digest() + hashlib.sha256(stock[len(named) + i].encode()).digest()
        expected = "z" + base58.b58encode(private.sign(digest)).decode("ascii")
        assert secured["proof"][0]["proofValue"] == expected, name


def test_near_twins_are_never_taken_for_one_another():
    # Same shape, one value apart deep inside a node the cache keeps, one after the other.
    base = assertion()
    twins = [
        ob3.build_credential(base),
        ob3.build_credential(dataclasses.replace(base, badge=badge(name="Soudure à l'arc."))),
        ob3.build_credential(dataclasses.replace(base, badge=badge(issuer=issuer(name="Fab Lab de Lyon ")))),
        ob3.build_credential(dataclasses.replace(base, badge=badge(alignments=(
            AlignmentData("Soudeur", "https://rome.example/H2914", target_framework="ROME", target_code="H2913"),)))),
        ob3.build_credential(dataclasses.replace(base, badge=badge(tags=("métal", "Métal")))),
        ob3.build_credential(base, self_issued=True),
        ob3.build_credential(dataclasses.replace(base, issued_on=base.issued_on + timedelta(seconds=1))),
        ob3.build_credential(dataclasses.replace(base, evidence=(EvidenceData(id="https://portfolio.example/alice/1",
                                                                              narrative="Photos"),))),
    ]
    configs = [_config(twins[0], c) for c in ("2025-06-01T12:00:00Z", "2025-06-01T12:00:00.000001Z",
                                              "2025-06-01T12:00:00.000010Z")]
    _clear_caches()
    ours = _ours(twins + configs + twins + configs)
    stock = stock_pyld.run("canon", {"documents": twins + configs})
    assert ours == stock + stock
    assert len(set(stock)) == len(stock)


def test_a_cached_node_still_refuses_an_undefined_term_when_signing():
    document = ob3.build_credential(assertion())
    document["credentialSubject"]["achievement"]["colour"] = "bleu"  # no context defines it
    _clear_caches()
    jsonld.canonize(document)  # a verifier's lenient pass leaves the node in the cache
    with pytest.raises(jsonld.UndefinedTermError, match="colour"):
        jsonld.canonize(document, strict=True)
    with pytest.raises(jsonld.UndefinedTermError, match="colour"):
        proofs.add_data_integrity_proof(document, PAIR.private_pem, KEY_URL, "2025-06-01T12:00:00Z")



def test_a_cached_node_still_refuses_a_type_no_context_defines_when_signing():
    document = ob3.build_credential(assertion())
    document["credentialSubject"]["achievement"]["criteria"]["type"] = ["Inconnu"]  # a relative IRI in RDF
    _clear_caches()
    jsonld.canonize(document)  # the node is now in the cache, found there for the strict pass
    jsonld.canonize(document)
    with pytest.raises(jsonld.UndefinedTermError, match="Inconnu"):
        jsonld.canonize(document, strict=True)
    with pytest.raises(jsonld.UndefinedTermError, match="Inconnu"):
        proofs.add_data_integrity_proof(document, PAIR.private_pem, KEY_URL, "2025-06-01T12:00:00Z")


# Texts as people type them, and the characters N-Quads must escape.
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.one_of(texts, st.sampled_from(["Je sais utiliser un tableur", 'Dit "bonjour"', "a\\b", "ligne\nligne",
                                          "tab\there", "é\u0301", "😀 émoji", "\u0000nul", " "]))


@st.composite
def credentials(draw) -> dict:
    n = draw(st.integers(0, 10**6))
    issuer_data = issuer(name=draw(names) or "Émetteur", description=draw(names))
    badge_data = badge(id=f"{SITE}/badges/b{draw(st.integers(0, 3))}", name=draw(names) or "Badge",
                       description=draw(names) or "Description", issuer=issuer_data,
                       criteria_narrative=draw(names),
                       alignments=tuple(AlignmentData(draw(names) or "Cible", f"https://cadre.example/{i}",
                                                      target_code=draw(names))
                                        for i in range(draw(st.integers(0, 2)))),
                       tags=tuple(draw(st.lists(names.filter(bool), max_size=2))))
    data = assertion(id=f"{SITE}/assertions/h{n}", badge=badge_data, recipient_email=f"p{n}@example.org",
                     salt=draw(st.text(alphabet="abcdef0123456789", min_size=1, max_size=8)),
                     narrative=draw(names),
                     evidence=tuple(EvidenceData(narrative=draw(names) or "Preuve", name=draw(names))
                                    for _ in range(draw(st.integers(0, 2)))),
                     expires=draw(st.none() | st.datetimes(min_value=datetime(2026, 1, 1),
                                                           max_value=datetime(2040, 1, 1), timezones=st.just(UTC))))
    status = status_entry(draw(st.integers(0, 131071))) if draw(st.booleans()) else None
    return ob3.build_credential(data, status=status, self_issued=draw(st.booleans()))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=st.lists(credentials(), min_size=2, max_size=8),
       moments=st.lists(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1),
                                     timezones=st.just(UTC)), min_size=2, max_size=8))
def test_generated_batches_canonicalise_as_stock_pyld(batch, moments):
    configs = [_config(batch[0], proofs._format_created(m)) for m in moments]
    # Caches kept from one example to the next: a batch reuses what the previous one left.
    ours = _ours(batch + configs)
    assert ours == stock_pyld.run("canon", {"documents": batch + configs})


# Terms as documents write them: defined by one context and not another, compact IRIs,
# absolute and relative IRIs, blank node labels, keyword look-alikes, undefined words. The
# same term under another context list, or a node of another type (type-scoped contexts),
# must never be taken for what it expanded to elsewhere (expanded IRIs are remembered by
# processed context).
context_lists = st.sampled_from([
    [jsonld.CREDENTIALS_V2],
    [jsonld.CREDENTIALS_V2, jsonld.OB3_CONTEXT],
    [jsonld.CREDENTIALS_V2, jsonld.OB3_CONTEXT, jsonld.OB3_EXTENSIONS],
    [jsonld.CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
    [jsonld.OB2_CONTEXT],
    [jsonld.CREDENTIALS_V2, {"@vocab": "https://vocab.example/"}],
    [jsonld.CREDENTIALS_V2, {"nom": "https://schema.org/name", "ex": "https://ex.example/ns#"}],
])
terms = st.sampled_from(["name", "description", "nom", "ex:prop", "schema:name", "achievement", "criteria",
                         "narrative", "identifier", "image", "https://ex.example/p", "relative/prop", "_:b7",
                         "@foo", "colour", "type", "id", "endorsement", "source", "issuer", "evidence"])
types = st.sampled_from(["VerifiableCredential", "OpenBadgeCredential", "Achievement", "AchievementSubject",
                         "Profile", "Evidence", "IdentityObject", "Image", "Criteria", "EndorsementCredential",
                         "Assertion", "BadgeClass", "ex:Thing", "https://ex.example/T", "Inconnu"])
iris = st.sampled_from(["https://ex.example/a", "urn:uuid:7f3e0c1a-0000-4000-8000-000000000001", "_:n1",
                        "relative/iri", "ex:suffix", "did:example:123", "mailto:a@example.org", "#frag"])

# Contexts written in a node: the same text in two documents is two objects (processed contexts
# are remembered by the identity of such an object, never by another one that looks alike).
inline_contexts = st.sampled_from([
    {"nom": "https://schema.org/name"}, {"nom": "https://schema.org/alternateName"},
    {"@vocab": "https://other.example/"}, {"name": "https://ex.example/otherName"}, None,
    ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], {"ex": "https://ex2.example/ns#"},
]).map(lambda ctx: json.loads(json.dumps(ctx)))


def _terms_node(depth: int):
    value = st.one_of(names, iris, st.integers(-5, 5), st.booleans(), st.lists(st.one_of(names, iris), max_size=2))
    if depth:
        value = st.one_of(value, _terms_node(depth - 1), st.lists(_terms_node(depth - 1), max_size=2))
    fixed = st.fixed_dictionaries({}, optional={"id": iris, "type": st.one_of(types, st.lists(types, max_size=2)),
                                                "@context": inline_contexts})
    return fixed.flatmap(lambda keys: st.dictionaries(terms, value, max_size=4).map(lambda extra: {**extra, **keys}))


@st.composite
def term_documents(draw) -> dict:
    return {"@context": draw(context_lists), **draw(_terms_node(2))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=st.lists(term_documents(), min_size=2, max_size=6))
def test_generated_terms_under_every_context_canonicalise_as_stock_pyld(batch):
    # Caches kept from one example to the next (and across the batch), lenient canonicalisation
    # (an undefined term dropped, as a verifier does); pyld's errors must match too.
    ours = []
    for document in batch:
        snapshot = json.dumps(document)
        try:
            ours.append(jsonld.canonize(document))
        except Exception as exc:  # noqa: BLE001 - compared with what stock pyld does below
            ours.append(f"error: {type(exc).__name__}")
        assert json.dumps(document) == snapshot  # pyld works on a copy: the caller's document is untouched
    stock = stock_pyld.run("canon-or-error", {"documents": batch})
    assert ours == stock


def test_documents_that_are_not_plain_json_are_left_to_pyld():
    # One node object reached twice, a str subclass: not copied our fast way, nor remembered;
    # pyld's own deep copy handles them, as for any pyld user, and they canonicalise as their JSON.
    class Text(str):
        pass

    shared = {"id": f"{SITE}/issuers/fablab", "type": ["Profile"], "name": "Fab Lab"}
    credential = ob3.build_credential(assertion())
    aliased = {**credential, "issuer": shared}
    aliased["credentialSubject"] = {**credential["credentialSubject"],
                                    "achievement": {**credential["credentialSubject"]["achievement"],
                                                    "creator": shared}}
    with_subclass = {**credential, "name": Text("Nom")}
    _clear_caches()
    ours = [jsonld.canonize(d) for d in (aliased, with_subclass)]
    stock = stock_pyld.run("canon", {"documents": [json.loads(json.dumps(d)) for d in (aliased, with_subclass)]})
    assert ours == stock
    # A tuple is not a JSON array to pyld: refused as pyld refuses it, even with the same
    # document as JSON just canonicalised (a cache keyed by JSON text would take one for the other).
    jsonld.canonize(credential)
    with pytest.raises(jsonld.jsonld.JsonLdError):
        jsonld.canonize({**credential, "type": tuple(credential["type"])})


# Documents of one shape, canonicalised from the shape's template (``jsonld._canonize_by_shape``):
# whatever their strings say, as stock pyld. Strings an IRI place takes differently (terms,
# compact IRIs, relative IRIs, blank node labels, keyword look-alikes, spaces), and strings of
# the same document again (node ids that turn out equal: pyld merges the nodes).
odd_strings = st.sampled_from([
    "https://ex.example/a", "https://ex.example/a b", "https://ex.example/a\n", "urn:uuid:7f3e0c1a-0000-4000-8000-0001",
    "did:example:123", "did:web:badgehub.example:issuers:fablab", "mailto:a@example.org", "_:n1", "_:n2",
    "relative/iri", "#frag", "", " ", "@foo", "@id", "name", "Profile", "assertionMethod", "authentication",
    "xsd:string", "schema:name", "ob:Achievement", "cred:issuer", "sec:proof", "ex:suffix", "http://[bad",
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement", "2025-01-01T00:00:00Z", "not a date",
    'Dit "bonjour"', "ligne\nligne", "é\u0301", "\u0000nul",
])
_KEPT_KEYS = ("@context", "type", "@type")


def _strings_of(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings_of(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in _KEPT_KEYS for s in _strings_of(item)]
    return []


def _restring(value, draw, own: list[str]):
    if isinstance(value, str):
        return draw(st.one_of(st.just(value), odd_strings, names, st.sampled_from(own)))
    if isinstance(value, list):
        return [_restring(item, draw, own) for item in value]
    if isinstance(value, dict):
        return {key: item if key in _KEPT_KEYS else _restring(item, draw, own) for key, item in value.items()}
    return value


_SHAPES = [d for _, d in variants()] + [
    _config(ob3.build_credential(assertion()), "2025-06-01T12:00:00Z"),
    {**_config(ob3.build_credential(assertion()), "2025-06-01T12:00:00Z"), "proofPurpose": "authentication"},
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), which=st.integers(0, len(_SHAPES) - 1))
def test_documents_of_one_shape_canonicalise_as_stock_pyld_whatever_their_strings(data, which):
    base = _SHAPES[which]
    own = _strings_of(base)
    batch = [base] + [_restring(base, data.draw, own) for _ in range(5)]
    before = jsonld.by_shape_count[0]
    ours = []
    for document in batch:  # templates kept from one example to the next
        try:
            ours.append(jsonld.canonize(document))
        except Exception as exc:  # noqa: BLE001 - compared with what stock pyld does below
            ours.append(f"error: {type(exc).__name__}")
    assert ours == stock_pyld.run("canon-or-error", {"documents": batch})
    # The base document of each shape is one its template takes: the template was used.
    assert jsonld.by_shape_count[0] > before


def test_a_batch_is_canonicalised_from_its_template_and_merges_nodes_as_pyld():
    # The issuer is also the achievement's creator (one node to pyld, two places in the
    # document), and in one of them the recipient too; recipients are named by a did:web.
    batch = [ob3.build_credential(assertion(id=f"{SITE}/assertions/t{i}", recipient_email=f"p{i}@example.org"),
                                  status=status_entry(i)) for i in range(6)]
    for i, credential in enumerate(batch):
        credential["credentialSubject"]["id"] = f"did:web:badgehub.example:people:p{i}"
    batch[4]["credentialSubject"]["id"] = batch[4]["issuer"]["id"]  # pyld merges them
    configs = [_config(batch[0], f"2025-06-01T12:00:0{i}Z") for i in range(3)]
    _clear_caches()
    before = jsonld.by_shape_count[0]
    ours = [jsonld.canonize(d, strict=True) for d in batch + configs]
    # Each shape's first document is pyld's, every other one the template's.
    assert jsonld.by_shape_count[0] - before == len(batch + configs) - 2
    assert ours == stock_pyld.run("canon", {"documents": batch + configs})
    assert "did:web:badgehub.example:people:p3" in ours[3]


def test_templates_are_bounded_in_quads_and_the_recent_ones_kept(monkeypatch):
    # Shapes a verifier may be shown by anyone: what the templates hold stays within its
    # bound, the least recently used shapes forgotten first.
    monkeypatch.setattr(jsonld, "TEMPLATE_QUADS", 150)
    _clear_caches()
    shapes = [ob3.build_credential(assertion(badge=badge(tags=("t",) * n))) for n in range(1, 7)]
    for document in shapes:
        jsonld.canonize(document)
        jsonld.canonize(document)  # the second time makes its template
        assert 0 < jsonld._CACHED_QUADS[0] <= 150
        assert sum(jsonld._quads_of(t) for t in jsonld._TEMPLATES.values()) == jsonld._CACHED_QUADS[0]
    before = jsonld.by_shape_count[0]
    jsonld.canonize(shapes[-1])
    assert jsonld.by_shape_count[0] == before + 1  # the latest shape is still a template
    jsonld.canonize(shapes[0])
    assert jsonld.by_shape_count[0] == before + 1  # the first one was forgotten
