# ops: deployment config check (docker-compose), supply-chain audit (pip-audit), load bench.
AUDIT_VENV := var/tools/pip-audit
AUDIT_STAMP := $(AUDIT_VENV)/.installed
COMPOSE_ENV := deploy/.env.example

.PHONY: setup-compose compose-config audit bench-load

# Debian's docker-compose (1.29) validates docker-compose.yml; there is no Docker engine here.
# apt runs only when it is missing.
setup-compose:
	@if command -v docker-compose >/dev/null 2>&1; then echo "docker-compose present: $$(command -v docker-compose)"; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-compose; fi

# The robustness tests run `docker-compose config` and pip-audit; make sure both are there before pytest.
test-py: setup-compose $(AUDIT_STAMP)

compose-config: setup-compose
	docker-compose --env-file $(COMPOSE_ENV) config --quiet && echo "docker-compose.yml: valid"

$(AUDIT_STAMP): requirements/audit.txt
	test -x $(AUDIT_VENV)/bin/python || $(PY311) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install -q -r requirements/audit.txt
	touch $@

# pip-audit of both environments → test-artifacts/pip-audit-{faq,bot}.{json,summary.json,md}.
# Sources in order: PyPI's JSON API, OSV (api.osv.dev), then a local OSV advisory snapshot when
# THAMTOB_ADVISORY_DB names one (a directory of OSV YAML/JSON files, or the git dir of a snapshot of
# pypa/advisory-database): `make audit THAMTOB_ADVISORY_DB=/path/to/advisory-database`. When no source
# answers, the summary says so (`unaudited_reason`) and the target still succeeds.
THAMTOB_ADVISORY_DB ?=
AUDIT_RUN = $(VENV)/bin/python scripts/pip_audit.py --pip-audit $(AUDIT_VENV)/bin/pip-audit \
	  --advisory-db "$(THAMTOB_ADVISORY_DB)"
audit: $(AUDIT_STAMP) setup-faq setup-bot
	@mkdir -p test-artifacts
	$(AUDIT_RUN) --name faq --site $$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	$(AUDIT_RUN) --name bot --site $$($(BOT_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

# 50 simulated users for 60 s against /api/v1/ask (and the Rasa REST channel with BENCH_RASA=1).
bench-load: setup-faq
	PYTHONPATH=$(CURDIR) $(VENV)/bin/python -m bench.load
