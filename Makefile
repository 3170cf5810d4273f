# Partnerdesk: `make run` serves the demo on SQLite, `make test` runs ruff, mypy and the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV    := PARTNERDESK_ENV=development
SANDBOX_BIND ?= 127.0.0.1:8765
TEST   := PARTNERDESK_ENV=test
CHROMIUM := /usr/bin/chromium
DOVECOT  := /usr/sbin/dovecot
# Playwright drives Debian's Chromium; it never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: install run test lint typecheck pytest browser dovecot bench bench-peer bench-sla clean messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(DEV) $(BIN)/partnerdesk migrate --noinput -v0
	$(DEV) $(BIN)/partnerdesk collectstatic --noinput -v0
	$(DEV) PARTNERDESK_SANDBOX_VENDOR_URL=http://$(SANDBOX_BIND) $(BIN)/partnerdesk demo
	$(DEV) PARTNERDESK_SANDBOX_BIND=$(SANDBOX_BIND) $(BIN)/partnerdesk run

lint: install
	$(BIN)/ruff check partnerdesk tests bench
	$(BIN)/ruff format --check partnerdesk tests bench

typecheck: install
	$(TEST) $(BIN)/mypy partnerdesk

pytest: install browser dovecot
	$(TEST) $(BIN)/pytest $(PYTEST_ARGS)

# The browser tests (tests/browser) need Debian's Chromium; install it when it is missing.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== $(CHROMIUM) is missing: installing Debian's chromium for the browser tests"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends chromium; \
	  else \
	    echo "The browser tests need Debian's Chromium at $(CHROMIUM). As root, run:" >&2; \
	    echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

# The IMAP tests (tests/mail/test_imap*.py) start a private Dovecot of their own on free ports;
# install Debian's when it is missing. The system service it may start is stopped again.
dovecot:
	@if [ ! -x $(DOVECOT) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "== $(DOVECOT) is missing: installing Debian's dovecot-imapd for the IMAP tests"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends dovecot-imapd; \
	    service dovecot stop >/dev/null 2>&1 || true; \
	  else \
	    echo "The IMAP tests need Debian's Dovecot at $(DOVECOT). As root, run:" >&2; \
	    echo "  apt-get update && apt-get install -y --no-install-recommends dovecot-imapd" >&2; \
	    exit 1; \
	  fi; \
	fi

test: lint typecheck pytest

# The benchmark (PERFORMANCE.md), never part of `make test`: datasets at 10k, 100k and 1M tickets
# (cached under bench/var and in PostgreSQL), servers as production runs them, results in
# bench/results/. BENCH_ARGS passes options to bench/run.py (see `bench/run.py --help`).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The same scenarios against django-helpdesk, from PyPI into its own venv (bench/var/peer-venv).
bench-peer: install
	$(BIN)/python bench/run.py --peer $(BENCH_ARGS)

# The SLA engine against plain datetime + timedelta (PERFORMANCE.md); results in bench/results/.
bench-sla: install
	$(TEST) $(BIN)/python bench/sla.py

messages: install
	cd partnerdesk && $(DEV) ../$(BIN)/django-admin makemessages -l de --ignore=migrations \
		--no-obsolete --settings=partnerdesk.config.settings
	cd partnerdesk && $(DEV) ../$(BIN)/django-admin compilemessages \
		--settings=partnerdesk.config.settings

clean:
	rm -rf var test-output .mypy_cache .ruff_cache
