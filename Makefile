# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    creates .venv, installs newsflow and ingests the bundled seeds (no network)
#   make test   runs the whole test suite
#   make demo   builds the offline demo warehouse data/demo.duckdb (demo/README.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo report-screenshot test lint fmt typecheck clean eval-tagging eval-tagging-split bench-tagging deploy worker bench

# PYTHONWARNINGS: setuptools reports every editable install as a warning; it is only information.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsflow ingest

# The offline demo: its own warehouse beside (never inside) data/news.duckdb, rebuilt from
# scratch. Its feeds never resolve, and a feed counts as failing after 3 failed polls in a row:
# hence 3 forced runs (the 2nd and 3rd find every article unchanged). NEWSFLOW_PRIVATE_DIR is
# emptied so that a user's setting cannot point the demo at another private database.
DEMO_DB := data/demo.duckdb
DEMO_POLLS := 1 2 3

demo: $(STAMP)
	rm -rf $(DEMO_DB) $(DEMO_DB).* data/.demo.duckdb.*.partial data/demo.private
	@for poll in $(DEMO_POLLS); do \
	  echo "demo: run $$poll of 3 (the demo feeds fail on purpose: they never resolve)"; \
	  NEWSFLOW_PRIVATE_DIR= $(BIN)/newsflow ingest --seeds demo/articles \
	    --sources demo/sources.yaml --db $(DEMO_DB) --force || exit 1; \
	done
	@echo "demo: ready. Try: $(BIN)/newsflow status --db $(DEMO_DB)"

# The README's picture of the briefing (docs/report.png), from the demo warehouse by default
# (make demo first) or DB=path/to.duckdb; the page itself stays in build/.
DB ?= $(DEMO_DB)
report-screenshot: $(STAMP)
	$(BIN)/newsflow report --db $(DB) --out build/report-screenshot.html
	$(BIN)/python docs/make_screenshot.py build/report-screenshot.html docs/report.png

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmark suite (~15-20 min, needs ../shared): prints a table, writes bench/results/*.json.
# BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

typecheck: $(STAMP)
	$(BIN)/mypy

# Tagging accuracy on ../shared/corpora/tagging/dev.jsonl (text and raw_text), and tagging speed.
eval-tagging: $(STAMP)
	$(BIN)/python -m transforms.evaluate

# Tagging accuracy on dev and on the tune split of bench/tagging/labels.jsonl (texts from ../shared);
# EVAL_ARGS=--holdout also scores the holdout split (to report, never to tune).
eval-tagging-split: $(STAMP)
	$(BIN)/python -m bench.tagging $(EVAL_ARGS)

bench-tagging: $(STAMP)
	$(BIN)/python -m transforms.benchmark

# Against the server in PREFECT_API_URL: work pool, write limit, every deployment of prefect.yaml.
deploy: $(STAMP)
	$(BIN)/newsflow deploy

worker: $(STAMP)
	$(BIN)/prefect worker start --pool newsflow

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
