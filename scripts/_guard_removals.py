"""Remove each guard by hand, one at a time, and run the tests that should notice (docs/mutation.md, session 5).

    .venv/bin/python scripts/_guard_removals.py [id ...]      (DATABASE_URL / REDIS_URL as for scripts/test)

Each entry of scripts/guard_removals.json names a file, a snippet of it, what replaces it and the tests. The
worktree is never modified: a copy is made under var/hand/repo, one snippet is replaced there, the tests run
with ``-x``, the file is restored. One line per removal is appended to var/hand/results.txt: CAUGHT (a test
failed, named), SURVIVED (none did) or the exit code.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAND = ROOT / "var" / "hand"
COPY = HAND / os.environ.get("HAND_COPY", "repo")


def main() -> int:
    checks = json.loads((ROOT / "scripts" / "guard_removals.json").read_text())
    only = set(sys.argv[1:])
    HAND.mkdir(parents=True, exist_ok=True)
    subprocess.run(["rsync", "-a", "--delete", "--exclude", ".venv", "--exclude", "var", "--exclude", "node_modules",
                    "--exclude", ".git", f"{ROOT}/", f"{COPY}/"], check=True)
    shared = HAND / "shared"  # the tests read ../shared/ relative to the repository
    if not shared.exists() and (ROOT.parent / "shared").exists():
        shared.symlink_to(ROOT.parent / "shared")
    env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"] + "_hand"}
    with open(HAND / "results.txt", "a") as out:
        for check in checks:
            if only and check["id"] not in only:
                continue
            path = COPY / check["file"]
            original = path.read_text()
            if original.count(check["old"]) != 1:
                print(f"{check['id']}: snippet found {original.count(check['old'])} times", file=out, flush=True)
                continue
            path.write_text(original.replace(check["old"], check["new"]))
            try:
                run = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "pytest", "-p", "no:warnings", "-q", "-x",
                                      "--reuse-db", "-m", "not e2e and not interop and not worker", *check["tests"]],
                                     cwd=COPY, env=env, capture_output=True, text=True, timeout=1800)
            finally:
                path.write_text(original)
            lines = [line for line in run.stdout.splitlines() if line.strip()]
            failed = [line for line in lines if line.startswith("FAILED")]
            verdict = "CAUGHT" if run.returncode == 1 else "SURVIVED" if run.returncode == 0 else f"rc={run.returncode}"
            print(f"{check['id']}: {verdict} — {check['what']} — {(failed[:1] or lines[-1:] or [''])[0][:200]}",
                  file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
