# faq_service: Python 3.11 virtualenv, the service, the CLI.
FAQ_STAMP := $(VENV)/.installed

.PHONY: setup-faq faq-service
setup-faq: $(FAQ_STAMP)

$(FAQ_STAMP): requirements/faq.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip==26.3
	# torch first, from the CPU wheel on disk, so nothing pulls a CUDA build.
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q -r requirements/faq.txt
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

faq-service: setup-faq
	$(VENV)/bin/thamtob serve
