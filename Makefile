# The two commands of the README: `make run` (the viewer on the sample manual) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: run test system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/ietm serve content

# Debian packages the tests drive: Chromium for browser tests, xmlsec1 for signature interoperability,
# LibreOffice (headless) for `ietm import` of .doc/.odt/.rtf files and EMF/WMF pictures,
# PostgreSQL for the server tests that run on it as on SQLite (tests/pgserver.py starts its own),
# OpenSSL's GOST engine (libengine-gost-openssl) for GOST R 34.10-2012 signatures (ietm itself signs with it, too);
# `ietm pdf` lays out pages with WeasyPrint on Pango and the fonts named in paper.css, checked with poppler-utils.
PDF_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra poppler-utils
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui libreoffice-draw-nogui"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	openssl engine gost >/dev/null 2>&1 || missing="$$missing libengine-gost-openssl"; \
	for p in $(PDF_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

test: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
