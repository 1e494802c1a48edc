# Six-month ITA report and Q&A guide: WeasyPrint's Debian libraries (pango, harfbuzz, fontconfig),
# Thai fonts, and poppler-utils (pdftotext/pdftoppm, used by the report tests to read the PDF).
# apt runs only when a package is missing; apt-get update comes first.
REPORT_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
  libthai0 fonts-thai-tlwg fonts-noto-core fonts-dejavu-core poppler-utils

.PHONY: setup-report report-example
setup-report: setup-faq
	@if dpkg -s $(REPORT_PKGS) >/dev/null 2>&1; then echo "report packages present"; else \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(REPORT_PKGS) \
	  && fc-cache -f >/dev/null; fi
	$(VENV)/bin/python -c "import weasyprint, matplotlib, openpyxl" 

# An example: the FY2563 first-half report of the database in $$DATABASE_URL.
report-example: setup-report
	$(VENV)/bin/thamtob measures import
	$(VENV)/bin/thamtob report --fy 2563 --half 1 --format pdf --out var/report-fy2563-h1.pdf
