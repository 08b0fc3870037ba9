# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    creates .venv, installs newsflow and ingests the bundled seeds (no network)
#   make test   runs the whole test suite
#   make demo   builds the offline demo warehouse data/demo.duckdb (demo/README.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The lake mode (README "Scaling out") pins duckdb 1.5.5 for its extensions: its own venv.
LAKE_VENV := .venv-lake
LAKE_STAMP := $(LAKE_VENV)/.installed

.PHONY: lake-venv run demo report-screenshot test lint fmt typecheck clean eval-tagging eval-tagging-split bench-tagging deploy worker bench

# PYTHONWARNINGS: setuptools reports every editable install as a warning; it is only information.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(LAKE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(LAKE_VENV)
	$(LAKE_VENV)/bin/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(LAKE_VENV)/bin/pip install --quiet -e ".[dev,lake]"
	touch $(LAKE_STAMP)

lake-venv: $(LAKE_STAMP)

run: $(STAMP)
	$(BIN)/newsflow ingest

# The offline demo (demo/README.md): data/demo.duckdb, rebuilt from scratch, never mixed into
# data/news.duckdb; three forced runs in one process, so that the demo feeds are `failing`.
demo: $(STAMP)
	$(BIN)/python -m flows.demo

# The README's picture of the briefing (docs/report.png), from the demo warehouse by default
# (make demo first) or DB=path/to.duckdb; REPORT_ARGS picks the window. The page stays in build/.
DB ?= data/demo.duckdb
REPORT_ARGS ?= --since 2024-03-01  # the demo's last 17 months, with its wire-copy story
report-screenshot: $(STAMP)
	$(BIN)/newsflow report --db $(DB) --out build/report-screenshot.html $(REPORT_ARGS)
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
	$(BIN)/python -m bench.tagging.evaluate

# Tagging accuracy on dev and on the tune split of bench/tagging/labels.jsonl (texts from ../shared);
# EVAL_ARGS=--holdout also scores the holdout split (to report, never to tune).
eval-tagging-split: $(STAMP)
	$(BIN)/python -m bench.tagging $(EVAL_ARGS)

bench-tagging: $(STAMP)
	$(BIN)/python -m bench.tagging.speed

# Against the server in PREFECT_API_URL: work pool, write limit, every deployment of prefect.yaml.
deploy: $(STAMP)
	$(BIN)/newsflow deploy

worker: $(STAMP)
	$(BIN)/prefect worker start --pool newsflow

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
