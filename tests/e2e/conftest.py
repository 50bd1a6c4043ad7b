"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
against pytest-django's live server."""

import os
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import accessibility_violations  # noqa: F401  (autouse fixture)

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# Browser tests wait on what the page shows, never on time; a shared, loaded machine can take
# a while to show it, so an expectation waits up to 15 s before failing.
expect.set_options(timeout=15_000)
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings) -> None:
    # A sign-in hashes the password with PBKDF2 (a million rounds, on purpose slow); on a
    # shared, loaded machine that alone can take longer than a click's navigation timeout.
    # The journeys test pages, not the hasher (tests/badges/test_accounts.py signs in for real).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of a page to the test (the listener is
# installed by the browser before any script of the page runs, so the policy allows it).
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} in ${where}`);
});"""


def watch_csp(context, violations: list[str]) -> None:
    context.expose_binding("__cspViolation", lambda source, text: violations.append(f"{source['page'].url}: {text}"))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Every browser test fails on a Content-Security-Policy violation, in any of its
    browser contexts: the policy must never block something a journey needs."""
    violations: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    browser = request.getfixturevalue("browser")
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch_csp(context, violations)
        return context

    browser.new_context = watched_new_context
    try:
        yield violations
    finally:
        del browser.new_context
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
