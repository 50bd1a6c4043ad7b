"""axe-core in every page the browser tests visit, at phone size and on a desktop.

Each browser context gets axe-core (npm, tests/e2e/js) and a script that audits the page
once it has loaded (WCAG 2.1 A and AA rules) and reports the violations to the test
through a binding; the test fails if any page it saw had one. The Django admin is
audited too but reported only (its markup is Django's, not ours)."""

import json
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOT_OURS = ("/admin/",)

AUDIT = """(() => {
  // Our pages only: not about:blank, nor an image, JSON or file the browser shows on its own.
  if (!location.protocol.startsWith("http") || document.contentType !== "text/html") return;
  // preload: false — axe would otherwise copy stylesheets into inline <style> (refused by our CSP).
  const options = {runOnly: {type: "tag", values: WCAG_TAGS}, resultTypes: ["violations"], preload: false};
  const audit = () => window.axe.run(document, options)
    .then((result) => window.__axeReport(location.pathname, result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    })))).catch(() => null);
  window.__axeAudit = new Promise((resolve) => {
    const start = () => setTimeout(() => audit().then(resolve), 0);
    if (document.readyState === "complete") start(); else window.addEventListener("load", start, {once: true});
  });
})();""".replace("WCAG_TAGS", json.dumps(WCAG_TAGS))


def watch_accessibility(context, violations: list[str], audited: list[str]) -> None:
    def report(source, path: str, found: list[dict]) -> None:
        audited.append(path)
        if path.startswith(NOT_OURS):
            return
        for violation in found:
            violations.append(f"{path}: {violation['id']} ({violation['impact']}) {violation['help']} "
                              f"— {', '.join(violation['nodes'])}")

    context.expose_binding("__axeReport", report)
    context.add_init_script(path=str(AXE))
    context.add_init_script(AUDIT)
    close = context.close

    def close_after_audit(*args, **kwargs):
        # The page a context shows last may still be under audit when the test ends.
        for page in context.pages:
            try:
                page.evaluate("() => window.__axeAudit || null")
            except Exception:  # closed or navigating: nothing more to audit there
                pass
        return close(*args, **kwargs)

    context.close = close_after_audit


@pytest.fixture(autouse=True)
def accessibility_violations(request):
    """Every browser test fails on a WCAG 2.1 A/AA violation of a page it visited."""
    violations: list[str] = []
    audited: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: scripts/test installs it (npm ci in tests/e2e/js).")
    browser = request.getfixturevalue("browser")
    new_context = browser.new_context  # maybe already wrapped by another watcher (CSP)

    def audited_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch_accessibility(context, violations, audited)
        return context

    browser.new_context = audited_new_context
    try:
        yield violations
    finally:
        browser.new_context = new_context
    assert violations == [], "Accessibility (axe-core, WCAG 2.1 A/AA) violations:\n" + "\n".join(violations)
