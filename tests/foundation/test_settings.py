import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "BADGEHUB_MODE": "production",
    "SECRET_KEY": "a-long-and-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "SITE_URL": "https://badges.example.org",
    "ALLOWED_HOSTS": "badges.example.org",
    "KEY_ENCRYPTION_KEY": "TTIUlgLfuhMQHw6mdTN5ipOe7kRLUkFboplCCcZdpSo=",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_its_required_variables():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("SECRET_KEY", "KEY_ENCRYPTION_KEY")}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "refuses to start in production without: SECRET_KEY, KEY_ENCRYPTION_KEY" in result.stderr


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_invalid_mode_is_refused_with_a_clear_message():
    result = manage("check", env={"BADGEHUB_MODE": "prod"})
    assert "BADGEHUB_MODE must be 'development' or 'production'" in result.stderr


def test_the_models_and_the_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_key_encryption_key_is_refused_at_startup():
    result = manage("check", env={**PRODUCTION_ENV, "KEY_ENCRYPTION_KEY": "not-a-key"})
    assert result.returncode != 0
    assert "KEY_ENCRYPTION_KEY" in result.stderr and "Fernet" in result.stderr


def test_loaddemo_refuses_production_mode_before_creating_anyone():
    # A database that does not exist: without the rule nothing could be written anywhere.
    result = manage("loaddemo", env={**PRODUCTION_ENV,
                                     "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/no_such_badgehub_db"})
    assert result.returncode != 0
    assert "loaddemo refuses to run in production" in result.stderr
    assert "demo-mediatrice-2026" not in result.stdout
