# Six-month ITA report and Q&A guide: Debian's Chromium, which prints the PDFs (faq_service/reports/pdf.py:
# WeasyPrint's PDFs lose Thai tone marks from their text layer), the Thai fonts they are set in
# (Noto Sans Thai from fonts-noto-core; TLWG's for the charts), and poppler-utils (pdftotext/pdftoppm,
# used by the report tests to read the PDF). apt runs only when a package is missing; apt-get update comes first.
REPORT_PKGS := chromium fonts-noto-core fonts-thai-tlwg fonts-dejavu-core poppler-utils

.PHONY: setup-report report-example
setup-report: setup-faq
	@if dpkg -s $(REPORT_PKGS) >/dev/null 2>&1; then echo "report packages present"; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(REPORT_PKGS) \
	  && fc-cache -f >/dev/null; fi
	$(VENV)/bin/python -c "import matplotlib, openpyxl; from faq_service.reports.pdf import chromium; chromium()"

# An example: the FY2563 first-half report of the database in $$DATABASE_URL.
report-example: setup-report
	$(VENV)/bin/thamtob measures import
	$(VENV)/bin/thamtob report --fy 2563 --half 1 --format pdf --out var/report-fy2563-h1.pdf
