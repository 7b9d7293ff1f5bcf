# OneStop: `make run` serves the demo; `make test` runs the whole suite. Both set up what they need.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core, at most 4 (each may run a browser, a worker and a server).
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
STAMP := $(VENV)/.installed
# The demo district's names (`make run`); the code and templates name no place.
DEMO_NAMES := ONESTOP_DEPLOYMENT_NAME=攀枝花市西区政务服务网 ONESTOP_CENTRE_NAME=攀枝花市西区政务服务中心 \
  ONESTOP_PLACE_NAME=西区 SMS_SIGNATURE=西区政务服务 OCDS_PUBLISHER=攀枝花市西区公共资源交易中心

.PHONY: setup browser fonts run test lint ci clean messages

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11 (python3)"; exit 1; }
	@$(PY) -c 'import venv, ensurepip' 2>/dev/null || ./scripts/apt-install python3-venv
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@# src/ on the venv's path, so that tools run by hand (lint-imports, python -m) find onestop.
	echo "$(CURDIR)/src" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/onestop-src.pth"
	touch $(STAMP)

## setup: create .venv and install the pinned packages (nothing else)
setup: $(STAMP)

## browser: Debian's Chromium, CJK fonts and PDF/QR tools for the browser and document tests
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "Noto.*CJK" && command -v pdffonts >/dev/null && command -v zbarimg >/dev/null || ./scripts/apt-install chromium fonts-noto-cjk poppler-utils zbar-tools

## fonts: the TrueType Chinese font that PDF notices and certificates embed
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || ./scripts/apt-install fonts-wqy-zenhei

## run: the platform on its embedded default (SQLite under var/, demo data, in-process jobs)
run: setup fonts
	mkdir -p var
	ONESTOP_EMBEDDED=true $(BIN)/python manage.py migrate --noinput
	@# The demo's names (settings.py; neutral when unset) sign the texts it sends and head its pages.
	ONESTOP_EMBEDDED=true $(DEMO_NAMES) $(BIN)/python manage.py load_demo
	ONESTOP_EMBEDDED=true $(BIN)/python manage.py train_router demo/data/hotline_tickets.csv --if-missing
	ONESTOP_EMBEDDED=true $(BIN)/python manage.py collectstatic --noinput -v 0
	@# The demo publishes its ordinary hotline types on Open311 (never 举报 or 求助).
	ONESTOP_EMBEDDED=true OPEN311_PUBLIC_SERVICES=$${OPEN311_PUBLIC_SERVICES-consult,complaint,suggestion,praise} \
	  $(DEMO_NAMES) $(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

## test: the whole suite (DATABASE_URL switches it to PostgreSQL)
test: setup browser fonts
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/mypy src
	@# The declared layers and no import cycles (pyproject.toml [tool.importlinter]).
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	@# Two processes (pytest-xdist, one per core here). Exit code 5 (no test collected) is a
	@# failure too: a suite that ran nothing has proved nothing.
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "没有收集到任何测试 (pytest exit 5): failing"; exit 1; fi; exit $$rc

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

ci:
	./.ci/run

clean:
	rm -rf $(VENV) var

## messages: refresh the English catalogue after changing strings (needs gettext), then translate
messages: setup
	cd src/onestop && ../../$(BIN)/python ../../manage.py makemessages -l en --ignore "static/*"
	cd src/onestop && ../../$(BIN)/python ../../manage.py compilemessages -l en
