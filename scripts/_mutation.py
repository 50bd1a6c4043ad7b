"""Mutation testing of the code that protects people (run by scripts/mutation; slow, not in CI).

Each target is one module (optionally some of its functions) and the test subset that
should catch a change in it. mutmut (3.x) mutates a copy of the repository under
var/mutation/<target>/mutants/ — the worktree is never modified — runs the subset once
to learn which tests reach which function, then runs, for every mutant, only those tests.
At the end the surviving mutants are printed with their diff, and the score of each target
(killed / mutants that some test reaches) is written to var/mutation/scores.txt.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"

BADGES_TESTS = ["tests/badges/test_habilitation.py", "tests/badges/test_partner_issue.py",
                "tests/badges/test_batches.py", "tests/badges/test_csv_rows.py", "tests/badges/test_bulk_issuing.py"]

def _only(module: str, *functions: str) -> str:
    """mutmut name globs for some functions of a module ("xǁClassǁmethod" for a method)."""
    return " ".join(f"{module}.{f if f.startswith('xǁ') else 'x_' + f}__mutmut_*" for f in functions)


# name -> (module to mutate, mutant-name filter or None, tests that should catch it)
TARGETS: dict[str, tuple[str, str | None, list[str]]] = {
    "badges.selectors": ("badges/selectors.py", None, [
        *BADGES_TESTS, "tests/badges/test_claim.py", "tests/badges/test_applications.py",
        "tests/badges/test_application_reviewer_emails.py", "tests/badges/test_wallet_views.py",
        "tests/badges/test_wallet_queries.py", "tests/badges/test_api.py", "tests/security/test_outsider_access.py",
        "tests/security/test_anonymous_access.py"]),
    # The habilitation rule alone, against the tests written for it (quick to run on its own).
    "badges.selectors.habilitation": ("badges/selectors.py", "badges.selectors.x_user_can_issue* "
                                      "badges.selectors.x_user_holds_badge* badges.selectors.x_user_verified_emails* "
                                      "badges.selectors.x_badge_classes_user_can_issue*",
                                      ["tests/badges/test_habilitation.py", "tests/badges/test_partner_issue.py"]),
    "badges.services.issuing": ("badges/services/issuing.py", None, [
        *BADGES_TESTS, "tests/badges/test_api.py", "tests/badges/test_staff_pages.py",
        "tests/pathways/test_key_badges.py", "tests/pathways/test_time_based_steps.py"]),
    "badges.services.batches": ("badges/services/batches.py", None, [*BADGES_TESTS]),
    "badges.services.applications": ("badges/services/applications.py", None, [
        "tests/badges/test_applications.py", "tests/badges/test_application_reviewer_emails.py",
        "tests/badges/test_application_evidence_removal.py", "tests/badges/test_self_declared_label.py",
        "tests/badges/test_habilitation.py"]),
    "badges.services.wallet": ("badges/services/wallet.py", None, [
        "tests/badges/test_claim.py", "tests/badges/test_claim_races.py", "tests/badges/test_wallet_views.py",
        "tests/badges/test_wallet_public_pages.py", "tests/badges/test_wallet_import.py",
        "tests/badges/test_wallet_imported_sharing.py"]),
    "badges.views.access": ("badges/views/*.py", "badges.views.*.x_get_*", [
        "tests/security/test_outsider_access.py", "tests/security/test_anonymous_access.py",
        "tests/badges/test_wallet_views.py", "tests/badges/test_wallet_public_pages.py",
        "tests/badges/test_wallet_imported_sharing.py", "tests/badges/test_activity_report.py"]),
    "issuers.selectors": ("issuers/selectors.py", None, [
        "tests/badges/test_staff_pages.py", "tests/badges/test_activity_report.py",
        "tests/security/test_outsider_access.py", "tests/pathways/test_time_based_steps.py"]),
    "issuers.services": ("issuers/services.py", None, [
        "tests/badges/test_staff_pages.py", "tests/openbadges_django/test_signing_and_hosting.py",
        "tests/security/test_hosted_documents.py"]),
    "pathways.services": ("pathways/services.py", None, [
        "tests/pathways/", "tests/badges/test_habilitation.py"]),
    "endorsements.services": ("endorsements/services.py", None, ["tests/endorsements/"]),
    "badges.openbadges.verify": ("badges/openbadges/verify.py", None, [
        "tests/openbadges/test_verify.py", "tests/openbadges_django/"]),
    "badges.openbadges.proofs": ("badges/openbadges/proofs.py", None, [
        "tests/openbadges/test_proofs.py", "tests/openbadges/test_verify.py"]),
    # --- Focused targets: the functions that protect someone, against fast (unit-level) subsets.
    # One run of each fits in a few minutes on the shared machine with one child.
    "verify.protect": ("badges/openbadges/verify.py", _only(
        "badges.openbadges.verify", "_check_status_list_proof", "_status_list_refused", "_check_ob3_status",
        "_revoked", "_check_dates", "_check_email", "_compromised", "_same_origin", "_report_proof",
        "_select_proof", "xǁ_Ob3Contextǁsame_issuer"),
        ["tests/openbadges/test_verify.py", "tests/openbadges/test_verify_did_and_jwt.py",
         "tests/openbadges/test_verify_status_lists.py", "tests/openbadges/test_verify_checks.py"]),
    "proofs.protect": ("badges/openbadges/proofs.py", _only(
        "badges.openbadges.proofs", "verify_data_integrity_proof", "verify_vc_jwt", "_claims_problem",
        "_same_moment", "_resolve", "_epoch"),
        ["tests/openbadges/test_proofs.py", "tests/openbadges/test_verify_did_and_jwt.py"]),
    "issuers.access": ("issuers/selectors.py issuers/models.py", "issuers.selectors.x_* "
                       "issuers.models.xǁIssuerQuerySetǁfor_user*", [
        "tests/security/test_outsider_access.py", "tests/reports/test_report_access.py",
        "tests/badges/test_staff_pages.py"]),
    "issuers.services.protect": ("issuers/services.py", _only(
        "issuers.services", "signing_key_revoke", "membership_set", "membership_remove"), [
        "tests/openbadges_django/test_revoked_keys_not_used.py",
        "tests/openbadges_django/test_signing_and_hosting.py", "tests/openbadges_django/test_ob2_resign_on_rotation.py",
        "tests/audit/test_recording.py", "tests/audit/test_key_and_member_audit.py"]),
    "issuing.protect": ("badges/services/issuing.py", _only(
        "badges.services.issuing", "_check_may_issue", "assertion_revoke"), [
        "tests/badges/test_habilitation.py", "tests/badges/test_issuing_rules.py",
        "tests/badges/test_issuing_and_desk_rules.py", "tests/badges/test_staff_pages.py",
        "tests/badges/test_bulk_issuing.py"]),
    "batches.protect": ("badges/services/batches.py", _only(
        "badges.services.batches", "recipients_parse", "csv_check", "_parse_date", "batch_start"), [
        "tests/badges/test_csv_rows.py", "tests/badges/test_batch_rules.py", "tests/badges/test_batches.py",
        "tests/badges/test_habilitation.py", "tests/security/test_csv_injection.py"]),
    "applications.protect": ("badges/services/applications.py", _only(
        "badges.services.applications", "_check_reviewer", "application_accept", "assertion_self_issue",
        "application_submit", "application_evidence_remove"), [
        "tests/badges/test_application_rules.py", "tests/badges/test_applications.py",
        "tests/badges/test_application_evidence_removal.py", "tests/badges/test_habilitation.py",
        "tests/badges/test_self_declared_label.py", "tests/badges/test_self_issue_rules.py",
        "tests/badges/test_application_accept_rules.py", "tests/badges/test_application_submit_rules.py",
        "tests/api_v1/test_webhook_events.py::test_applications_submitted_and_decided_are_announced",
        "tests/badges/test_idempotency.py::test_twenty_parallel_self_issues_of_one_badge_give_one_badge"]),
    "wallet.protect": ("badges/services/wallet.py", _only(
        "badges.services.wallet", "assertion_claim", "assertion_decline", "_check_owner", "assertion_set_visibility",
        "_verify_for_someone_of", "imported_badge_set_visibility", "imported_badge_delete"), [
        "tests/badges/test_wallet_rules.py", "tests/badges/test_claim.py", "tests/badges/test_claim_races.py",
        "tests/badges/test_wallet_visibility.py", "tests/badges/test_wallet_views.py",
        "tests/badges/test_wallet_import.py", "tests/badges/test_wallet_imported_sharing.py",
        "tests/badges/test_decline_and_revoke_scope.py", "tests/api_v1/test_webhook_events.py"]),
    "accounts.protect": ("badges/services/accounts.py", _only(
        "badges.services.accounts", "email_verification_confirm", "email_address_remove", "login_link_use",
        "account_delete"), [
        "tests/badges/test_account_rules.py", "tests/badges/test_accounts.py",
        "tests/badges/test_login_link_throttle.py", "tests/security/test_login_limits.py"]),
    "corrections.protect": ("badges/services/corrections.py", None, [
        "tests/badges/test_corrections.py", "tests/badges/test_staff_pages.py", "tests/badges/test_habilitation.py"]),
    "selectors.access": ("badges/selectors.py", _only(
        "badges.selectors", "get_batch_for_user", "user_can_review", "get_application_for_reviewer",
        "user_owns_assertion", "get_assertion_for_owner", "user_may_view_assertion", "_is_issuer_staff",
        "user_may_see_evidence"), [
        # Narrowed (session 5): the anonymous-access sweep (every URL, anonymous) and the evidence
        # removal tests gave way to the tests of each rule of these functions (test_who_opens_a_file,
        # test_batch_access), which also check anonymous visitors.
        "tests/security/test_who_opens_a_file.py", "tests/badges/test_batch_access.py",
        "tests/security/test_file_serving.py", "tests/badges/test_review_queue.py",
        "tests/badges/test_applications.py", "tests/badges/test_wallet_views.py",
        "tests/security/test_outsider_access.py"]),
    # user_may_see_evidence alone (session 6): the rest of selectors.access ran to the end in session 5.
    "selectors.evidence": ("badges/selectors.py", _only("badges.selectors", "user_may_see_evidence"), [
        "tests/security/test_who_opens_a_file.py", "tests/security/test_file_serving.py",
        "tests/badges/test_application_evidence_removal.py"]),
    # The two files that hold get_* helpers (mutating all of badges/views/ took 13 minutes to generate).
    "views.access": ("badges/views/public.py badges/views/wallet.py", "badges.views.*.x_get_*", [
        "tests/badges/test_imported_badge_actions.py", "tests/badges/test_assertion_page_is_the_one_asked.py",
        "tests/security/test_outsider_access.py", "tests/security/test_anonymous_access.py",
        "tests/badges/test_wallet_public_pages.py", "tests/badges/test_wallet_imported_sharing.py"]),
    "endorsements.protect": ("endorsements/services.py", _only(
        "endorsements.services", "invitation_check_open", "endorsement_accept", "endorsement_withdraw",
        "endorser_key_revoke", "endorser_active_key"), [
        "tests/endorsements/test_endorsement_rules.py", "tests/openbadges_django/test_revoked_keys_not_used.py",
        "tests/endorsements/test_accept.py", "tests/endorsements/test_withdraw.py",
        "tests/endorsements/test_invitations.py", "tests/endorsements/test_endorser_keys.py",
        "tests/endorsements/test_invitation_dates.py", "tests/endorsements/test_endorser_key_audit.py",
        "tests/endorsements/test_invitation_refusals.py"]),
    # The verifier's checks and the proofs in one run (unit tests only).
    "openbadges.unit": ("badges/openbadges/verify.py badges/openbadges/proofs.py", " ".join([
        _only("badges.openbadges.verify", "_check_dates", "_select_proof", "_check_email", "_compromised",
              "_report_proof", "_same_origin"),
        _only("badges.openbadges.proofs", "verify_data_integrity_proof", "verify_vc_jwt", "_claims_problem",
              "_same_moment")]), [
        "tests/openbadges/test_verify_checks.py", "tests/openbadges/test_jwt_claims.py",
        "tests/openbadges/test_verify.py", "tests/openbadges/test_proofs.py",
        "tests/openbadges/test_verify_did_and_jwt.py"]),
    # The guards of the services and selectors in one run (one setup instead of eight on a loaded machine).
    "protect.db": ("badges/services/issuing.py badges/services/wallet.py badges/services/applications.py "
                   "badges/services/corrections.py endorsements/services.py issuers/selectors.py issuers/models.py "
                   "badges/selectors.py", " ".join([
                       _only("badges.services.issuing", "_check_may_issue", "assertion_revoke"),
                       _only("badges.services.wallet", "assertion_claim", "assertion_decline", "_check_owner",
                             "assertion_set_visibility"),
                       _only("badges.services.applications", "_check_reviewer"),
                       _only("badges.services.corrections", "assertion_correct"),
                       _only("endorsements.services", "invitation_check_open", "endorsement_withdraw"),
                       "issuers.selectors.x_* issuers.models.xǁIssuerQuerySetǁfor_user*",
                       _only("badges.selectors", "user_may_view_assertion", "_is_issuer_staff",
                             "get_assertion_for_owner", "user_owns_assertion")]), [
        "tests/badges/test_habilitation.py", "tests/badges/test_issuing_rules.py", "tests/badges/test_corrections.py",
        "tests/badges/test_claim_races.py", "tests/badges/test_wallet_visibility.py",
        "tests/badges/test_decline_and_revoke_scope.py", "tests/badges/test_wallet_views.py",
        "tests/security/test_outsider_access.py", "tests/badges/test_staff_pages.py",
        "tests/badges/test_review_queue.py", "tests/endorsements/test_withdraw.py",
        "tests/endorsements/test_invitation_dates.py"]),
    # --- Session 5: the modules written last (issuer REST API, OB 3.0 API, wallets, the desk).
    # The guards only (scopes, token → issuer, owner, expiry, single use, rate limits), against
    # their own unit-level tests; no worker, browser or interop test (the marker filter). The
    # other functions of these modules (the views' bodies, registration's metadata, the holder's
    # JWT proof, webhook retries) were checked by removing each guard by hand (docs/mutation.md).
    "api_v1.protect": ("badges/api_v1/auth.py badges/api_v1/tokens.py badges/api_v1/models.py badges/api_v1/views.py "
                       "badges/api_v1/partner_views.py badges/api_v1/webhooks.py", " ".join([
                           _only("badges.api_v1.auth", "xǁBearerTokenAuthenticationǁauthenticate",
                                 "xǁHasScopeǁhas_permission", "xǁTokenThrottleǁallow_request"),
                           _only("badges.api_v1.tokens", "_is_staff", "api_token_check"),
                           _only("badges.api_v1.models", "xǁApiTokenQuerySetǁactive", "xǁApiTokenǁis_active"),
                           _only("badges.api_v1.views", "_issuer_badge_class", "_issuer_assertion", "_api_key",
                                 "xǁJobDetailApiǁget"),
                           _only("badges.api_v1.partner_views", "_staff_issuer", "_issuer_endpoint"),
                           _only("badges.api_v1.webhooks", "signature_header", "_check_staff",
                                 "_names_a_private_host")]), [
        "tests/api_v1/test_tokens.py", "tests/api_v1/test_operations.py", "tests/api_v1/test_webhook_events.py",
        "tests/api_v1/test_guards.py",
        # test_webhooks.py without the tests that start a real Celery worker (it would run the original code)
        # or a receiver's HTTP server threads (every mutant they reach timed out under mutmut's fork)
        *(f"tests/api_v1/test_webhooks.py::{test}" for test in (
            "test_private_addresses_are_refused_in_production",
            "test_owners_register_a_webhook_and_see_its_secret_once",
            "test_a_private_address_is_refused_when_registered_in_production"))]),
    "ob3api.protect": ("badges/ob3api/selectors.py badges/ob3api/services.py badges/ob3api/views.py "
                       "badges/ob3api/oauth.py badges/ob3api/registration.py", " ".join([
                           _only("badges.ob3api.selectors", "connected_applications"),
                           _only("badges.ob3api.services", "application_disconnect"),
                           _only("badges.ob3api.oauth", "xǁValidatorǁvalidate_scopes"),
                           _only("badges.ob3api.registration", "_is_loopback", "_check_redirect_uri"),
                           _only("badges.ob3api.views", "_token_user")]), [
        "tests/ob3api/test_provider.py", "tests/ob3api/test_consumer.py", "tests/ob3api/test_guards.py",
        "tests/ob3api/test_disconnect_scope.py", "tests/ob3api/test_registration_rules.py"]),
    "wallets.protect": ("badges/wallets/services.py badges/wallets/holder_proof.py badges/wallets/presentation.py "
                        "badges/wallets/views.py", " ".join([
                            _only("badges.wallets.services", "_check_deliverable", "oid4vci_token",
                                  "_consume_nonce"),
                            _only("badges.wallets.presentation", "verify_did_authentication")]),
                        ["tests/badges/test_wallets.py", "tests/badges/test_wallet_guards.py",
                         "tests/badges/test_wallet_presentations.py", "tests/badges/test_wallet_refusal_reasons.py"]),
    "desk.protect": ("badges/services/desk.py badges/views/desk.py", " ".join([
        _only("badges.services.desk", "desk_award_renew", "desk_award_for_code", "desk_award_claim"),
        _only("badges.views.desk", "_award_for_staff")]),
        ["tests/badges/test_desk_guards.py", *(f"tests/badges/test_desk_awards.py::{test}" for test in (
            "test_nothing_is_issued_until_the_person_keeps_it", "test_an_expired_code_issues_nothing",
            "test_a_code_works_once", "test_a_new_code_replaces_the_old_one", "test_typing_codes_is_rate_limited",
            "test_a_mediator_of_another_issuer_neither_issues_nor_sees_the_code",
            "test_a_signed_in_person_keeps_it_with_their_verified_address",
            "test_a_passport_created_with_an_email_carries_it_and_sends_a_verification_link",
            "test_a_badge_kept_without_email_never_counts_for_someone_else_in_a_pathway",
            "test_a_mediator_who_lost_the_right_to_issue_gets_no_badge_issued"))]),
}
FIRST = ["badges.selectors", "badges.services.issuing", "pathways.services", "endorsements.services",
         "issuers.selectors"]

SETUP_CFG = """[mutmut]
source_paths =
    badges
    issuers
    pathways
    endorsements
    badgehub
only_mutate =
{module}
also_copy =
    templates
    static
    locale
    manage.py
    pytest.ini
# CPU seconds allowed per mutant: (time of its tests + this) x 15 x 2. The constant covers
# Django's start-up in the forked child, which the tests' own durations do not include.
timeout_constant = 10
pytest_add_cli_args =
    -p
    no:warnings
    --reuse-db
    -m
    not e2e and not interop and not worker
pytest_add_cli_args_test_selection =
{tests}
timeout_multiplier = {timeout_multiplier}
"""


def prepare(name: str, module: str, tests: list[str]) -> Path:
    """A copy of the repository for this target, with its mutmut configuration."""
    target = WORK / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(["rsync", "-a", "--exclude", ".venv", "--exclude", "var", "--exclude", "mutants",
                    "--exclude", "node_modules", "--exclude", ".git", f"{ROOT}/", f"{target}/"], check=True)
    # The tests read the OB 3.0 schemas as ../shared/ relative to the repository (here: mutants/).
    shared = ROOT.parent / "shared"
    if shared.exists():
        (target / "shared").symlink_to(shared)
    for pattern in module.split():
        for path in target.glob(pattern):
            undecorate(path)
    # One test database for the whole run: pytest-django renames the database in the settings
    # mutmut's forked children inherit, so without a fixed test name every mutant created
    # (and migrated) one more ``test_test_…`` database — minutes of CPU each, past mutmut's
    # CPU limit, so that quick mutants were reported "timeout" (counted killed) without any
    # test having run. With it, --reuse-db reuses the database the first pass made.
    with open(target / "badgehub" / "settings.py", "a") as settings:
        settings.write('\nif os.environ.get("MUTATION_TEST_DATABASE"):  # scripts/_mutation.py, in its copy only\n'
                       '    DATABASES["default"]["TEST"] = {"NAME": os.environ["MUTATION_TEST_DATABASE"]}\n')
    present = [t for t in tests if (ROOT / t.split("::")[0]).exists()]  # a path, or a test's node id
    # mutmut stops a mutant after (its tests' time + 1 s) x this; on a loaded machine its default (15) stops
    # mutants that a test fails slowly, and counts them "timeout" (session 5: most of api_v1.protect's).
    multiplier = os.environ.get("MUTATION_TIMEOUT_MULTIPLIER", "15")
    (target / "setup.cfg").write_text(SETUP_CFG.format(timeout_multiplier=multiplier,
                                                       module="\n".join(f"    {m}" for m in module.split()),
                                                       tests="\n".join(f"    {t}" for t in present)))
    return target


def undecorate(path: Path) -> int:
    """mutmut 3 leaves decorated functions alone, and most services are ``@transaction.atomic``:
    in the copy, ``@d`` over ``def f`` becomes ``f = d(f)`` after it (the same function at run
    time), so that mutmut mutates them too. Top-level functions and the methods of top-level
    classes; returns how many."""
    import ast

    lines = path.read_text().splitlines()
    changed = 0
    tree = ast.parse("\n".join(lines))
    # Methods too (one class level: the API views are ``@extend_schema`` methods, the token's
    # issuer a ``@property``); @staticmethod/@classmethod alone are mutated by mutmut as they are.
    nodes = [(node, "") for node in tree.body] + [
        (child, " " * child.col_offset) for node in tree.body if isinstance(node, ast.ClassDef) for child in node.body
        if not (len(getattr(child, "decorator_list", [])) == 1 and isinstance(child.decorator_list[0], ast.Name)
                and child.decorator_list[0].id in ("staticmethod", "classmethod"))]
    for node, indent in sorted(nodes, key=lambda n: n[0].lineno, reverse=True):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            continue
        wrapped = node.name
        for decorator in reversed(node.decorator_list):
            wrapped = f"({ast.unparse(decorator)})({wrapped})"
        lines.insert(node.end_lineno, f"{indent}{node.name} = {wrapped}")
        first, last = node.decorator_list[0].lineno, node.decorator_list[-1].end_lineno
        lines[first - 1:last] = [f"{indent}# decorated below: {node.name}"] * (last - first + 1)
        changed += 1
    path.write_text("\n".join(lines) + "\n")
    return changed


def drop_test_databases(url: str) -> None:
    """Each pytest run inside mutmut's process prefixes the test database name with "test_" once
    more (pytest-django renames it in the settings it shares): drop every one this target made."""
    from urllib.parse import urlparse

    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                            password=parts.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname ~ %s", [f"^(test_)+{re.escape(name)}$"])
        for (database,) in cursor.fetchall():
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
    conn.close()


def results(target: Path) -> dict[str, str]:
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=target, capture_output=True, text=True)
    found = {}
    for line in out.stdout.splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match:
            found[match[1]] = match[2].strip()
    return found


def message_only(diff: str) -> bool:
    """True when the mutant only changes the wording of a message (a string literal with a space in
    it, e.g. "XXLa liste…XX"): what a person reads, not what the code decides. Shown as a count."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    if not removed or len(removed) != len(added):
        return False
    for before, after in zip(removed, added, strict=True):
        strings_before = re.findall(r"(?:[rfbu]?)(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", before)
        strings_after = re.findall(r"(?:[rfbu]?)(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", after)
        skeleton = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", "S", before)
        if skeleton != re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", "S", after):
            return False
        changed = [b for b, a in zip(strings_before, strings_after, strict=False) if b != a]
        if len(strings_before) != len(strings_after) or not changed or not all(" " in b for b in changed):
            return False
    return True


def mutant_diffs(target: Path, module: str, names: list[str], root: str = "mutants") -> dict[str, str]:
    """The diff of each mutant against the original function, read from mutmut's mutated copies
    (one parse per file instead of one ``mutmut show`` process per survivor)."""
    import ast
    import difflib

    sources: dict[str, dict[str, str]] = {}
    for pattern in module.split():
        for path in (target / root).glob(pattern):
            text = path.read_text()
            lines = text.splitlines()
            functions = {}
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
                    functions[node.name] = "\n".join(lines[node.lineno - 1:node.end_lineno])
            sources[str(path.relative_to(target / root))] = functions
    diffs = {}
    for name in names:
        function = name.rsplit(".", 1)[-1]
        for path, functions in sources.items():
            if function in functions:
                stem = function.split("__mutmut_")[0]
                original = functions.get(stem + "__mutmut_orig", "").replace(stem + "__mutmut_orig", stem)
                mutated = functions[function].replace(function, stem)
                lines = difflib.unified_diff(original.splitlines(), mutated.splitlines(), path, path, n=1,
                                             lineterm="")
                diffs[name] = "\n".join(lines)
                break
        else:
            diffs[name] = subprocess.run([str(MUTMUT), "show", name], cwd=target, capture_output=True,
                                         text=True).stdout
    return diffs


def logic_mutants(module: str, name_filter: str | None, root: Path = ROOT) -> tuple[list[str], int]:
    """The mutants of ``module`` that ``name_filter`` selects, minus those that only reword a message
    (generated here, the way mutmut will, so that the slow runs skip them): (names, skipped)."""
    import fnmatch

    sys.path.insert(0, str(ROOT / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
                           / "site-packages"))
    from mutmut.mutation.file_mutation import mutate_file_contents

    names, skipped = [], 0
    patterns = name_filter.split() if name_filter else ["*"]
    for pattern in module.split():
        for path in sorted(root.glob(pattern)):
            dotted = ".".join(path.relative_to(root).with_suffix("").parts)
            mutated = mutate_file_contents(str(path), path.read_text())
            scratch = WORK / "_scratch" / path.relative_to(root)
            scratch.parent.mkdir(parents=True, exist_ok=True)
            scratch.write_text(mutated.code)
            wanted = [f"{dotted}.{n}" for n in mutated.mutant_names]
            wanted = [n for n in wanted if any(fnmatch.fnmatch(n, p) for p in patterns)]
            diffs = mutant_diffs(WORK / "_scratch", str(path.relative_to(root)), wanted, root="")
            for n in wanted:
                if message_only(diffs[n]):
                    skipped += 1
                else:
                    names.append(n)
    return names, skipped


def run(name: str, children: int, *, report_only: bool = False) -> str:
    module, name_filter, tests = TARGETS[name]
    target = WORK / name
    if not report_only:
        target = prepare(name, module, tests)
        print(f"\n=== {name}: mutating {module} against {len(tests)} test paths", flush=True)
        args = [str(MUTMUT), "run", "--max-children", str(children)]
        here = Path.cwd()
        os.chdir(target)  # mutmut reads its configuration (setup.cfg) from the current directory
        try:
            selected, skipped = logic_mutants(module, name_filter, target)
        finally:
            os.chdir(here)
        print(f"{len(selected)} mutants to run ({skipped} that only reword a message are not run)", flush=True)
        args += selected
        # A database of its own per target: targets may run side by side, and never touch the worktree's.
        env = {**os.environ, "DATABASE_URL": f"{os.environ['DATABASE_URL']}_mut_{name.replace('.', '_')}"}
        env["MUTATION_TEST_DATABASE"] = "test_" + env["DATABASE_URL"].rsplit("/", 1)[-1]
        with open(target / "mutmut.log", "w") as log:
            subprocess.run(args, cwd=target, stdout=log, stderr=subprocess.STDOUT, env=env)
        drop_test_databases(env["DATABASE_URL"])
    found = results(target)
    if name_filter:
        patterns = [re.compile(f.replace(".", r"\.").replace("*", ".*")) for f in name_filter.split()]
        found = {k: v for k, v in found.items() if any(p.fullmatch(k) for p in patterns)}
    counts: dict[str, int] = {}
    for status in found.values():
        counts[status] = counts.get(status, 0) + 1
    survivors = sorted(k for k, v in found.items() if v == "survived")
    wording = 0
    diffs = mutant_diffs(target, module, survivors)
    for mutant in survivors:
        diff = diffs[mutant]
        if message_only(diff):
            wording += 1
            continue
        print(f"--- survived: {mutant}\n{diff}", flush=True)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    reached = killed + counts.get("survived", 0) + counts.get("suspicious", 0)
    score = f"{100 * killed / reached:.0f}%" if reached else "n/a"
    logic = reached - wording
    logic_score = f"{100 * killed / logic:.0f}%" if logic else "n/a"
    line = (f"{name}: {score} killed ({killed}/{reached} mutants reached by the tests; "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + f"); without the {wording} survivors that only reword a message: {logic_score} ({killed}/{logic})")
    print(line, flush=True)
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"default: {' '.join(FIRST)}; 'all' for every target; "
                                                   f"known: {' '.join(TARGETS)}")
    parser.add_argument("--children", type=int, default=int(os.environ.get("MUTATION_CHILDREN", "1")),
                        help="mutants run at once (default 1: the machine is shared)")
    parser.add_argument("--report-only", action="store_true",
                        help="print the survivors and scores of the last run (var/mutation/<target>) again")
    args = parser.parse_args()
    names = list(TARGETS) if args.targets == ["all"] else (args.targets or FIRST)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    lines = [run(name, args.children, report_only=args.report_only) for name in names]
    if not args.report_only:
        with open(WORK / "scores.txt", "a") as scores:
            scores.write("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
