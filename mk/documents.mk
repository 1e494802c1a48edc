# Documents as knowledge (faq_service/documents/): Tesseract with its Thai and English data reads scanned
# PDFs that have no text layer, and poppler-utils (pdftoppm) turns their pages into images first. apt runs
# only when a package is missing; apt-get update comes first.
DOCUMENT_PKGS := tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng poppler-utils

.PHONY: setup-documents
setup-documents: setup-faq
	@if dpkg -s $(DOCUMENT_PKGS) >/dev/null 2>&1; then echo "document packages present"; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DOCUMENT_PKGS); fi
	@tesseract --list-langs 2>/dev/null | grep -qx tha && tesseract --list-langs 2>/dev/null | grep -qx eng \
	  || { echo "tesseract has no Thai or English data"; exit 1; }
