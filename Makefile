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

# Debian packages the tests need, one list: add a package here when a test starts to need it.
#   chromium: browser tests; xmlsec1: signature interoperability;
#   libreoffice-writer-nogui, libreoffice-draw-nogui: `ietm import` of .doc/.odt/.rtf files and EMF/WMF pictures;
#   postgresql: the server tests that run on it as on SQLite (tests/pgserver.py starts its own);
#   nginx-light, libnginx-mod-http-brotli-static: tests/test_deploy.py serves the published bundle (its .gz and .br
#   files as they are) and proxies the server with Debian's nginx;
#   libengine-gost-openssl: OpenSSL's GOST engine, for GOST R 34.10-2012 signatures (ietm itself signs with it, too);
#   the rest: `ietm pdf` lays out pages with WeasyPrint on Pango and the fonts named in paper.css, checked with
#   poppler-utils.
DEBIAN_PACKAGES := chromium xmlsec1 libreoffice-writer-nogui libreoffice-draw-nogui postgresql libengine-gost-openssl \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra \
	poppler-utils nginx-light libnginx-mod-http-brotli-static
# How long to wait for another apt or dpkg (unattended upgrades, a second make) to let go of the dpkg lock.
APT_LOCK_WAIT := 600

system-deps:
	@APT_LOCK_WAIT=$(APT_LOCK_WAIT) .ci/system-deps $(DEBIAN_PACKAGES)

test: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
