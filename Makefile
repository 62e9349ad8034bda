# crosscheck — the two commands: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARTICLES ?= articles
OUT    ?= reports

.PHONY: report test install lint eval bench clean browser-deps

# The venv is rebuilt only when pyproject.toml changes: a second `make report` installs nothing.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/crosscheck report $(ARTICLES) --out $(OUT)

# Headless Chromium for the browser tests, from Debian's packages, where missing and possible.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) \
	      || echo "browser-deps: could not install chromium; browser tests will be skipped"; \
	  else echo "browser-deps: chromium missing and not root; browser tests will be skipped"; fi; \
	fi

test: $(STAMP) browser-deps
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check crosscheck tests bench
	$(VENV)/bin/mypy crosscheck

eval: $(STAMP)
	$(PY) bench/eval.py

bench: $(STAMP)
	$(PY) bench/scale.py

clean:
	rm -rf reports/*.html reports/*.json claims/articles claims/vectors claims/state.json .pytest_cache .mypy_cache .ruff_cache
	@echo "kept claims/reviews.json (review decisions) — delete it by hand if you mean to"
