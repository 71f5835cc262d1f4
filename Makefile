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

# `make run` always uses its own demo database (var/demo.sqlite3), whatever DATABASE_URL says: only a database
# marked MIAF_DEMO_DATABASE=true gets the demo users with their published password. A random secret key is
# kept in var/secret-key (miaf serve refuses the built-in development key).
DEMO_ENV = DATABASE_URL=sqlite:///$(MIAF_VAR_DIR)/demo.sqlite3 MIAF_DEMO_DATABASE=true \
           MIAF_ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost MIAF_SECRET_KEY="$$(cat $(MIAF_VAR_DIR)/secret-key)"

run: install
	mkdir -p $(MIAF_VAR_DIR)
	@test -s $(MIAF_VAR_DIR)/secret-key || (umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(MIAF_VAR_DIR)/secret-key)
	$(DEMO_ENV) $(VENV)/bin/miaf manage migrate --noinput -v 0
	$(DEMO_ENV) $(VENV)/bin/miaf demo --if-empty
	@echo ""
	@echo "  miaf is starting on http://$(HOST):$(PORT)/ with the DEMO database $(MIAF_VAR_DIR)/demo.sqlite3"
	@echo "  Demo logins, which exist only in this demo database (password for all: milpa2011):"
	@echo "    coordinadora  (coordinator: the whole programme)"
	@echo "    promotor      (promoter: only the groups assigned)"
	@echo "    analista      (analyst: aggregates, no personal data)"
	@echo "    admin         (administrator; also /admin/)"
	@echo "  For real data see docs/deploy.md (no demo users there)."
	@echo ""
	$(DEMO_ENV) PORT=$(PORT) HOST=$(HOST) $(VENV)/bin/miaf serve --no-migrate

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
