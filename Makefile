# xuebu — two commands: `make run` and `make test` (both install everything first).
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# chromium: the browser the Playwright tests drive (Debian's build; nothing is downloaded at run time).
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-script-latn fonts-noto-cjk fonts-liberation chromium
STAMP := $(VENV)/.installed

.PHONY: install system-packages run test test-fast bench clean

install: system-packages $(STAMP)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "need $(PY)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/xuebu db upgrade
	$(BIN)/xuebu seed-demo
	@echo "学补管理后台: http://127.0.0.1:$(PORT)/admin/  (演示账号见 README)"
	WEB_BIND=127.0.0.1:$(PORT) WEB_ACCESS_LOG=- $(BIN)/gunicorn -c docker/gunicorn.conf.py 'backoffice:create_app()'

test: install
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# Service-free tests only (SQLite, no Redis): fast feedback while editing.
test-fast: install
	XUEBU_TEST_SERVICES=0 $(BIN)/python -m pytest -p no:cacheprovider -m "not postgres and not redis" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
