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
    # Being changed by another branch (status lists without proof): run once it is merged.
    "badges.openbadges.verify": ("badges/openbadges/verify.py", None, [
        "tests/openbadges/test_verify.py", "tests/openbadges_django/"]),
    "badges.openbadges.proofs": ("badges/openbadges/proofs.py", None, [
        "tests/openbadges/test_proofs.py", "tests/openbadges/test_verify.py"]),
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
pytest_add_cli_args =
    -p
    no:warnings
    --reuse-db
    -m
    not e2e and not interop and not worker
pytest_add_cli_args_test_selection =
{tests}
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
    present = [t for t in tests if (ROOT / t).exists()]
    (target / "setup.cfg").write_text(SETUP_CFG.format(module=module,
                                                       tests="\n".join(f"    {t}" for t in present)))
    return target


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


def run(name: str, children: int) -> str:
    module, name_filter, tests = TARGETS[name]
    target = prepare(name, module, tests)
    print(f"\n=== {name}: mutating {module} against {len(tests)} test paths", flush=True)
    args = [str(MUTMUT), "run", "--max-children", str(children)]
    if name_filter:
        args += name_filter.split()
    # A database of its own per target: targets may run side by side, and never touch the worktree's.
    env = {**os.environ, "DATABASE_URL": f"{os.environ['DATABASE_URL']}_mut_{name.replace('.', '_')}"}
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
    for mutant in survivors:
        diff = subprocess.run([str(MUTMUT), "show", mutant], cwd=target, capture_output=True, text=True).stdout
        print(f"--- survived: {mutant}\n{diff}", flush=True)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    reached = killed + counts.get("survived", 0) + counts.get("suspicious", 0)
    score = f"{100 * killed / reached:.0f}%" if reached else "n/a"
    line = (f"{name}: {score} killed ({killed}/{reached} mutants reached by the tests; "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")")
    print(line, flush=True)
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"default: {' '.join(FIRST)}; 'all' for every target; "
                                                   f"known: {' '.join(TARGETS)}")
    parser.add_argument("--children", type=int, default=int(os.environ.get("MUTATION_CHILDREN", "1")),
                        help="mutants run at once (default 1: the machine is shared)")
    args = parser.parse_args()
    names = list(TARGETS) if args.targets == ["all"] else (args.targets or FIRST)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    lines = [run(name, args.children) for name in names]
    with open(WORK / "scores.txt", "a") as scores:
        scores.write("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
