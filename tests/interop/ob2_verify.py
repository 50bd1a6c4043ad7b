"""Run 1EdTech's Open Badges 2.0 validator (PyPI ``openbadges``) on one badge, offline.

Executed with tests/interop/.venv-ob2/bin/python, never imported by the suite:
the validator needs dependencies that conflict with the project's. It prints
the validator's report as JSON and exits 0 when the badge is valid, 1 when not.

    ob2_verify.py url URL | file IMAGE | text FILE   (text: JSON or compact JWS)

The validator fetches the OB 2.0 JSON-LD context from the web; the request mock
answers it with the copy shipped inside the validator and lets only loopback
addresses (our live test server) through.
"""

import json
import sys
from urllib.parse import urlsplit

import requests
import requests_mock
from openbadges.verifier import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _offline(request):
    if urlsplit(request.url).hostname in LOOPBACK:
        return None  # unmatched: requests_mock passes it to the real transport
    raise requests.exceptions.ConnectionError(f"offline test run, refused {request.url}")


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("url", "file", "text"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, value = argv[1], argv[2]
    with requests_mock.Mocker(real_http=True) as mock:
        mock.add_matcher(_offline)  # checked last: matchers registered later win
        for url in (OPENBADGES_CONTEXT_V2_URI, "https://openbadgespec.org/v2/context.json"):
            mock.get(url, json=OPENBADGES_CONTEXT_V2_DICT, headers={"Content-Type": "application/ld+json"})
        if kind == "file":
            with open(value, "rb") as image:
                result = verify(image)
        elif kind == "text":
            with open(value, encoding="utf-8") as handle:
                result = verify(handle.read().strip())
        else:
            result = verify(value)
    report = result["report"]
    print(json.dumps({
        "valid": report["valid"],
        "errorCount": report["errorCount"],
        "warningCount": report["warningCount"],
        "messages": report["messages"],
        "openBadgesVersion": report.get("openBadgesVersion"),
    }, indent=2, default=str))
    return 0 if report["valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
