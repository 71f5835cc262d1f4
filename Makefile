# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PORT   ?= 8000
HOST   ?= 127.0.0.1
export MIAF_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test install install-dev lint serve demo browsers clean messages

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml requirements.lock
	$(PIP) install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	mkdir -p $(MIAF_VAR_DIR)
	$(VENV)/bin/miaf manage migrate --noinput -v 0
	$(VENV)/bin/miaf demo --if-empty
	@echo ""
	@echo "  miaf is starting on http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password for all: milpa2011):"
	@echo "    coordinadora  (coordinator: the whole programme)"
	@echo "    promotor      (promoter: only the groups assigned)"
	@echo "    analista      (analyst: aggregates, no personal data)"
	@echo "    admin         (administrator; also /admin/)"
	@echo ""
	PORT=$(PORT) HOST=$(HOST) $(VENV)/bin/miaf serve --no-migrate

# Browser tests need Debian's Chromium (no browser download works here); the report tests read the
# PDF with poppler's pdftotext/pdftoppm.
browsers:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; fi

test: install-dev browsers
	$(VENV)/bin/ruff check src tests benchmarks
	MIAF_TESTING=true $(VENV)/bin/pytest -n 2 -q -p no:cacheprovider $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check src tests benchmarks

messages: install
	cd src/miaf/web && ../../../$(VENV)/bin/miaf manage compilemessages -v 0

clean:
	rm -rf $(VENV) var .pytest_cache
