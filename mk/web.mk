# Web chat page + Swagger UI assets (vendored from npm, served locally), and the browser for its tests.
WEB_DIR := faq_service/web
WEB_VENDOR_STAMP := $(WEB_DIR)/node_modules/.thamtob-installed

.PHONY: setup-web setup-browser test-web
setup-web: $(WEB_VENDOR_STAMP)

# npm ci from the committed lock; --ignore-scripts skips install-time telemetry hooks.
$(WEB_VENDOR_STAMP): $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json
	cd $(WEB_DIR) && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	test -f $(WEB_DIR)/node_modules/swagger-ui-dist/swagger-ui-bundle.js
	touch $@

# Debian Chromium for the Playwright tests (Playwright's own browser download is not used), with Thai
# and emoji fonts so that screenshots show the text. apt runs only when something is missing.
BROWSER_PKGS := chromium chromium-driver fonts-thai-tlwg fonts-dejavu-core fonts-noto-color-emoji
setup-browser:
	@if [ -x /usr/bin/chromium ] && dpkg -s $(BROWSER_PKGS) >/dev/null 2>&1; then \
	  echo "chromium present: /usr/bin/chromium"; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(BROWSER_PKGS); fi

# Page, widget and /docs in headless Chromium (the Q&A tests start the whole stack; a missing model fails them).
test-web: setup-faq setup-web setup-browser
	$(VENV)/bin/python -m pytest -q tests/web
