# The whole set-up on a fresh machine with Python 3.11+ and make:
#   make run    set up, load the demo data and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite (PostgreSQL when DATABASE_URL points at one)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Two workers: the machine has two cores, and the browser and PostgreSQL tests wait on I/O.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: run test install messages migrate serve bench lint format clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compile_translations

migrate: install messages
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Norrköpings visionsintranät: http://127.0.0.1:8000/"
	@echo "  Sign in as admin / demo (administrator), redaktor / demo (editor), lasare / demo (reader)"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production settings on this machine: DEBUG off, static files collected and served by
# whitenoise (compressed, hashed names cached for a year), gunicorn per gunicorn.conf.py.
# Without SECRET_KEY a throwaway key is made (sessions end with the server); plain HTTP on
# loopback, so no redirect to HTTPS. A real deployment: docs/deployment.md.
SERVE_BIND ?= 127.0.0.1:8000
serve: migrate
	@set -e; export DEBUG=0; \
	if [ -z "$$SECRET_KEY" ]; then \
	  SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'); export SECRET_KEY; \
	  echo "  SECRET_KEY not set: using a throwaway key, sessions end when the server stops"; fi; \
	export ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"; \
	export GUNICORN_BIND="$(SERVE_BIND)"; \
	echo "  DEBUG=0  ALLOWED_HOSTS=$$ALLOWED_HOSTS  SECURE_SSL_REDIRECT=$$SECURE_SSL_REDIRECT  GUNICORN_BIND=$$GUNICORN_BIND"; \
	$(BIN)/python manage.py collectstatic --noinput -v 0; \
	$(BIN)/python manage.py check --deploy --fail-level ERROR; \
	echo "  Serving http://$(SERVE_BIND)/ (no accounts yet? run make run once, or manage.py load_demo --password ...)"; \
	exec $(BIN)/gunicorn -c gunicorn.conf.py vision.wsgi

# The benchmark suite (tests/bench/, not part of make test): gunicorn with production
# settings on SQLite and PostgreSQL, wrk on loopback, one markdown table of the browsing,
# follow-up and admin pages written to bench-results/pages.md with the machine, commit and
# command above it. Then the other benchmarks (media, carry-over, 50,000 children under one
# goal, the follow-up deadline hour, the follow-up pages and sync). About 17 minutes on 2 cores
# with nothing else running; BENCH_EXTRAS= leaves the other benchmarks out, BENCH_SIZES="1000 10000"
# the largest size, BENCH_DATABASES=postgres SQLite.
BENCH_SIZES ?= 1000 10000 100000
BENCH_DATABASES ?= sqlite postgres
BENCH_SECONDS ?= 5
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vision_bench
BENCH_EXTRAS ?= --extras
bench: install messages
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; } \
	  || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_pages $(BENCH_EXTRAS) \
	  --sizes $(BENCH_SIZES) --databases $(BENCH_DATABASES) --seconds $(BENCH_SECONDS) \
	  --command "make bench BENCH_SIZES='$(BENCH_SIZES)' BENCH_DATABASES='$(BENCH_DATABASES)' BENCH_SECONDS=$(BENCH_SECONDS) BENCH_EXTRAS='$(BENCH_EXTRAS)'"

test: install messages
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
