# bot: Rasa 3.6 (Python 3.10 virtualenv .venv-bot), the action server, training and NLU/story tests.
BOT_STAMP := $(BOT_VENV)/.installed
BOT_ENV := PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
RASA := $(BOT_ENV) $(BOT_VENV)/bin/rasa
BOT_DATA := data/nlu data/rules.yml data/stories.yml
BOT_FILES := --domain bot/domain.yml --config bot/config.yml
BOT_MODEL_DIR := var/models
BOT_MODEL := $(BOT_MODEL_DIR)/thamtob.tar.gz
BOT_TRAIN_INPUTS = $(sort $(wildcard data/nlu/*.yml) data/rules.yml data/stories.yml bot/config.yml bot/domain.yml $(wildcard bot/components/*.py) bot/language.py bot/complaint_cues.yml bot/small_talk.yml bot/confidential.py)
BOT_RESULTS := var/bot-results
NLU_MIN_F1 ?= 0.90
# Warnings `rasa data validate` always gives for responses that only custom actions send.
BOT_VALIDATE_EXPECTED := The utterance 'utter_(out_of_scope|faq_answer|faq_answer_in_thai|faq_answer_in_english|faq_updated|faq_source|ask_feedback|did_you_mean|faq_declined|service_unavailable|feedback_thanks|feedback_sorry|anything_else|faq_not_found|human_contact|iamabot|faq_from_document|faq_from_document_page)' is not used in any story or rule

.PHONY: setup-bot train bot-validate bot-unit bot-test-nlu bot-test-stories bot-test actions rasa bot-purge bot-bench

setup-bot: $(BOT_STAMP)

$(BOT_STAMP): requirements/bot.txt
	test -x $(BOT_VENV)/bin/python || $(PY310) -m venv $(BOT_VENV)
	# Python 3.10's bundled pip (23.0) has known advisories (docs/security.md).
	$(BOT_VENV)/bin/pip install -q --upgrade pip==26.3
	$(BOT_VENV)/bin/pip install -q -r requirements/bot.txt
	$(RASA) telemetry disable >/dev/null
	touch $@

# Trains only when the training data, the domain/config or the custom components changed (content hash).
train: setup-bot
	@mkdir -p $(BOT_MODEL_DIR)
	@hash=$$(cat $(BOT_TRAIN_INPUTS) | sha256sum | cut -d' ' -f1); \
	if [ -f $(BOT_MODEL) ] && [ "$$(cat $(BOT_MODEL_DIR)/.train-hash 2>/dev/null)" = "$$hash" ]; then \
	  echo "train: model $(BOT_MODEL) is up to date"; \
	else \
	  echo "train: training $(BOT_MODEL)"; \
	  $(RASA) train --data $(BOT_DATA) $(BOT_FILES) --out $(BOT_MODEL_DIR) \
	    --fixed-model-name thamtob --num-threads 2 > var/bot-train.log 2>&1 \
	    || { tail -40 var/bot-train.log; echo "train: failed (var/bot-train.log)"; exit 1; }; \
	  echo "train: done ($(BOT_MODEL); log var/bot-train.log)"; \
	  echo "$$hash" > $(BOT_MODEL_DIR)/.train-hash; \
	fi

bot-validate: setup-bot
	@mkdir -p var
	@$(RASA) data validate --data $(BOT_DATA) $(BOT_FILES) > var/bot-validate.log 2>&1; rc=$$?; \
	if [ $$rc -ne 0 ]; then tail -40 var/bot-validate.log; echo "bot-validate: rasa data validate failed ($$rc)"; exit $$rc; fi; \
	unexpected=$$(grep -E "UserWarning|WARNING|ERROR" var/bot-validate.log | grep -Ev "$(BOT_VALIDATE_EXPECTED)" \
	  | grep -Ev "DeprecationWarning|MovedIn20Warning|declare_namespace|pkg_resources|tensorflow|jax|xla" ); \
	if [ -n "$$unexpected" ]; then echo "$$unexpected"; echo "bot-validate: unexpected warnings (see var/bot-validate.log)"; exit 1; fi; \
	echo "bot-validate: clean (only the expected notes about responses sent by custom actions)"

# Unit tests of the custom components and the actions (no services needed).
bot-unit: setup-bot
	$(BOT_ENV) $(BOT_VENV)/bin/python -m pytest -q -c bot/tests/pytest.ini --rootdir bot/tests bot/tests

# Held-out NLU test per language (sentences not in the training data); fails below NLU_MIN_F1.
bot-test-nlu: train
	@set -e; for lang in th en; do \
	  rm -rf $(BOT_RESULTS)/nlu-$$lang; \
	  $(RASA) test nlu --nlu bot/tests/nlu_heldout_$$lang.yml --model $(BOT_MODEL) \
	    --out $(BOT_RESULTS)/nlu-$$lang --no-plot > $(BOT_RESULTS).nlu-$$lang.log 2>&1 \
	    || { tail -40 $(BOT_RESULTS).nlu-$$lang.log; exit 1; }; \
	done
	$(BOT_ENV) $(BOT_VENV)/bin/python bot/tests/check_nlu.py --results $(BOT_RESULTS) --min-f1 $(NLU_MIN_F1)

bot-test-stories: train
	@mkdir -p $(BOT_RESULTS)
	$(RASA) test core --stories bot/tests/test_stories.yml --model $(BOT_MODEL) \
	  --out $(BOT_RESULTS)/stories --fail-on-prediction-errors --no-plot > $(BOT_RESULTS).stories.log 2>&1 \
	  || { tail -40 $(BOT_RESULTS).stories.log; exit 1; }
	@grep -E "Correct:|Accuracy" $(BOT_RESULTS).stories.log | head -5 || true
	@echo "bot-test-stories: all test stories passed"

bot-test: bot-validate bot-unit bot-test-nlu bot-test-stories

# The action server on ACTIONS_HOST (default 127.0.0.1):ACTIONS_PORT; `rasa run actions` cannot be told the
# interface (it listens on all of them), actions/server.py can.
actions: setup-bot
	bot/run-with-env.sh $(BOT_VENV)/bin/python -m actions.server

# CORS: the chat page's origin and THAMTOB_WIDGET_ORIGINS (faq_service's settings, `thamtob web rasa-cors`).
rasa: train
	bot/run-with-env.sh $(BOT_VENV)/bin/rasa run -i 127.0.0.1 --cors $$($(VENV)/bin/thamtob web rasa-cors) --model $(BOT_MODEL) \
	  --port $(RASA_PORT) --credentials bot/credentials.yml --endpoints bot/endpoints.yml

# PDPA: deletes Rasa tracker events and action-queue files older than BOT_RETENTION_DAYS (default 30) from
# $$RASA_TRACKER_DB_URL and $$ACTION_QUEUE_DIR (defaults: bot/run-with-env.sh). Run it daily (cron/systemd).
BOT_RETENTION_DAYS ?= 30
bot-purge: setup-bot
	bot/run-with-env.sh $(BOT_VENV)/bin/python -m actions.privacy purge --days $(BOT_RETENTION_DAYS)

# End-to-end latency over the REST channel, FAQ questions beside greetings (docs/results/bot-latency.md).
bot-bench: train
	$(VENV)/bin/python -m bench.bot_latency --out docs/results/bot-latency.md
