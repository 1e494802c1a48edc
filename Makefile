# ThamTob — top-level commands. `make run` starts the product; `make test` sets up and runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# An interpreter counts only if it runs (a pyenv shim for a version that is not selected does not).
find_python = $(firstword $(foreach p,$(1),$(shell $(p) -c 'import sys; assert sys.version_info[:2] == $(2)' \
                2>/dev/null && echo $(p))))
PY311 ?= $(call find_python,python3.11 /root/.pyenv/versions/3.11.7/bin/python,(3, 11))
PY310 ?= $(call find_python,python3.10 /root/.pyenv/versions/3.10.13/bin/python,(3, 10))
VENV := .venv
BOT_VENV := .venv-bot
FAQ_PORT ?= 8000
ACTIONS_PORT ?= 5055
RASA_PORT ?= 5005
export FAQ_PORT ACTIONS_PORT RASA_PORT
export RASA_TELEMETRY_ENABLED := false

include $(sort $(wildcard mk/*.mk))

PYTEST_ARGS ?=
.PHONY: help setup run test test-py
help:
	@echo "make run    — set up and start ThamTob (FAQ service, action server, Rasa) on SQLite"
	@echo "make test   — set up and run the test suite"
	@echo "make setup  — build .venv (faq_service) and .venv-bot (Rasa + actions)"
	@echo "make bench  — retrieval and speed benchmarks (results: docs/benchmarks.md)"

setup: setup-faq setup-bot setup-web setup-report setup-documents

run: setup
	scripts/run.sh

# Rasa's own checks first (data validation, component unit tests, held-out NLU, test stories), then
# the pytest suite, which starts the real services (faq_service on SQLite and PostgreSQL, the action
# server, Rasa) and drives the pages in Chromium.
test: setup setup-browser bot-test test-py

test-py: setup-faq train
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider --junitxml=test-artifacts/junit.xml $(PYTEST_ARGS) tests
