"""docker-compose.yml is valid (Debian's docker-compose `config`; there is no Docker engine here) and has
the production shape: the services, 2 faq_service replicas, healthchecks, volumes, TLS at the proxy,
Dockerfiles on the right Python, a nightly backup."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.support.procs import REPO

ENV_EXAMPLE = REPO / "deploy" / ".env.example"


@pytest.fixture(scope="module")
def compose() -> dict:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is missing: run `make setup-compose` (Debian package docker-compose)"
    run = subprocess.run([exe, "--env-file", str(ENV_EXAMPLE), "config"], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return yaml.safe_load(run.stdout)


def test_config_passes_and_has_every_service(compose):
    assert {"proxy", "faq_service", "rasa", "actions", "postgres", "redis", "backup"} <= set(compose["services"])


def test_every_long_running_service_has_a_healthcheck(compose):
    missing = [name for name, svc in compose["services"].items() if not svc.get("healthcheck", {}).get("test")]
    assert not missing, f"no healthcheck: {missing}"


def test_faq_service_has_two_replicas_on_postgres_and_redis(compose):
    faq = compose["services"]["faq_service"]
    assert faq["deploy"]["replicas"] == 2
    env = faq["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["THAMTOB_REDIS_URL"].startswith("redis://redis:")
    assert env["RASA_TRACKER_DB_URL"].startswith("postgresql://")
    assert "ports" not in faq, "only the proxy publishes ports"


def test_rasa_uses_postgres_tracker_and_redis_lock_store(compose):
    env = compose["services"]["rasa"]["environment"]
    assert env["RASA_TRACKER_DB_URL"].startswith("postgresql://") and env["REDIS_URL"].startswith("redis://")


def test_only_the_proxy_publishes_ports_and_it_terminates_tls(compose):
    published = {name for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"proxy"}
    conf = (REPO / "deploy" / "proxy" / "thamtob.conf.template").read_text()
    assert "listen 443 ssl" in conf and "ssl_certificate " in conf and "return 301 https://" in conf


def test_data_lives_on_volumes(compose):
    assert {"pgdata", "action-queue", "backups"} <= set(compose["volumes"])
    mounts = " ".join(str(v) for v in compose["services"]["postgres"]["volumes"])
    assert "/var/lib/postgresql/data" in mounts


@pytest.mark.parametrize("image, base", [("faq_service", "python:3.11-slim"), ("rasa", "python:3.10-slim"),
                                         ("actions", "python:3.10-slim")])
def test_dockerfiles_use_the_right_python(compose, image, base):
    build = compose["services"][image]["build"]
    dockerfile = (REPO / build["dockerfile"]).read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert bases[-1] == base
    if image != "faq_service":
        assert "requirements/bot.txt" in dockerfile


def test_every_built_image_has_its_dockerfile(compose):
    for name, svc in compose["services"].items():
        if "build" in svc:
            assert (REPO / svc["build"]["dockerfile"]).is_file(), name


def test_nightly_backup_runs_pg_dump(compose):
    backup = compose["services"]["backup"]
    script = (REPO / "deploy" / "backup" / "backup.sh").read_text()
    assert "pg_dump" in script and "BACKUP_AT" in backup["environment"]
    assert subprocess.run(["sh", "-n", str(REPO / "deploy" / "backup" / "backup.sh")]).returncode == 0


def test_env_example_names_every_required_secret():
    text = ENV_EXAMPLE.read_text()
    for name in ("POSTGRES_PASSWORD", "THAMTOB_SERVICE_TOKEN", "THAMTOB_SECRET_KEY", "THAMTOB_COMPLAINTS_KEY",
                 "PUBLIC_HOST"):
        assert re.search(rf"^{name}=", text, re.M), name


def test_documents_are_imported_by_a_worker_off_the_replicas(compose):
    worker = compose["services"]["documents_worker"]
    assert worker["command"][:3] == ["thamtob", "docs", "worker"] and "--heartbeat" in worker["command"]
    assert worker["image"] == compose["services"]["faq_service"]["image"] and "ports" not in worker
    assert "documents-worker-alive" in " ".join(worker["healthcheck"]["test"])
    assert worker["cpu_shares"] <= 64  # low CPU weight against the replicas (nice does not cross containers)
    assert compose["services"]["faq_service"]["environment"]["THAMTOB_DOCUMENT_JOBS_IN_SERVICE"] == "false"
    # the vectors it encodes ahead land in the cache the replicas read
    cache = compose["services"]["faq_service"]["environment"]["THAMTOB_EMBEDDING_CACHE"]
    assert worker["environment"]["THAMTOB_EMBEDDING_CACHE"] == cache
    mounts = [str(v) for v in worker["volumes"]]
    assert cache.startswith("/var/lib/thamtob/cache/") and any(m.startswith("faq-cache:/var/lib/thamtob/cache")
                                                               for m in mounts), mounts
