"""The context-processing cache we add to pyld must not change a single byte of
what is canonicalised (signatures depend on it)."""

import json
from pathlib import Path

import pytest
from pyld import jsonld as pyld_jsonld

from badges.openbadges import jsonld, ob2, ob3
from badges.openbadges.jsonld import CREDENTIALS_V2, OB3_CONTEXT
from tests.openbadges.factories import assertion, issuer, status_entry

VECTORS = Path(__file__).parent / "vectors" / "eddsa-rdfc-2022"


def documents() -> list[tuple[str, dict]]:
    credential = ob3.build_credential(assertion(), status=status_entry(), self_issued=True)
    with_extensions = dict(credential, **{"@context": [CREDENTIALS_V2, OB3_CONTEXT,
                                                       "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]})
    docs = [
        ("credential", credential),
        ("credential with the extensions context", with_extensions),
        ("status list", ob3.build_status_list_credential("https://example.org/status/0", issuer().id, {3, 7})),
        ("issuer profile", ob3.issuer_profile_document(issuer())),
        ("OB 2.0 assertion", ob2.assertion(assertion())),
    ]
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and "@context" in doc:
            docs.append((path.name, doc))
    return docs


@pytest.mark.parametrize("name,document", documents(), ids=[name for name, _ in documents()])
def test_the_cache_changes_nothing_in_the_canonical_form(name, document, monkeypatch):
    cached = [jsonld.canonize(document), jsonld.canonize(document)]  # the second call hits the cache
    monkeypatch.setattr(pyld_jsonld.JsonLdProcessor, "_process_context", jsonld._pyld_process_context)
    plain = jsonld.canonize(document)
    assert cached == [plain, plain]
