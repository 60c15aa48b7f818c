# Every command a developer or user needs. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEVDATA ?= ../shared/devdata

.PHONY: install install-all run test test-slow lint bench eval fuzz clean

# Each target installs only the extras it needs, once: one stamp file per set of extras, redone
# when pyproject.toml changes. `make run` takes the package and its runtime dependencies alone
# (about 190 MB) and builds the compiled page walk (cleaner/page/walk_compiled.pyx, with Cython
# from PyPI and gcc; without them the pure-Python walk runs); the extras (ray, lightgbm,
# resiliparse, ruff, mypy...) come with the targets that use them. The stamps add up: after `make test` and `make lint` the venv has both sets.
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What each stamp $(VENV)/.installed-NAME installs (pip install -e SPEC).
EXTRAS_run := .
# The tests take LightGBM too (`train`): they check the shipped numpy trees against LightGBM's.
EXTRAS_test := .[test,train]
EXTRAS_dev := .[dev]
EXTRAS_eval := .[eval,train]
EXTRAS_ray := .[test,ray]
EXTRAS_integrations := .[test,integrations]
# The compiled page walk, text counts and trees are built by the install (setup.py), so a change to their source redoes it.
$(VENV)/.installed-%: pyproject.toml setup.py cleaner/page/walk_compiled.pyx cleaner/page/text_counts.pyx \
		cleaner/extractors/trees_compiled.pyx | $(PY)
	$(PY) -m pip install --quiet -e '$(EXTRAS_$*)'
	touch $@

install: $(VENV)/.installed-run

# Every extra at once, for a developer who works on all of it.
install-all: $(VENV)/.installed-test $(VENV)/.installed-dev $(VENV)/.installed-eval $(VENV)/.installed-ray \
	$(VENV)/.installed-integrations

run: $(VENV)/.installed-run
	$(VENV)/bin/cleaner clean samples/ -o out/clean.jsonl --explain --overwrite

test: $(VENV)/.installed-test
	$(PY) -m pytest -q

# The tests `make test` (CI) leaves out for time, marked `slow`: the Ray executor on a local
# Ray instance, a run killed at random points and resumed, SIGTERM and a closed stdout in a
# subprocess (about 100 s together); and the datatrove step and the datasets recipe with the
# real libraries, whose extra (pyarrow, pandas, huggingface_hub...) is too big for `make test`.
test-slow: $(VENV)/.installed-test $(VENV)/.installed-ray $(VENV)/.installed-integrations
	$(PY) -m pytest -q -m slow

# A long randomised fuzz session (outside CI, which runs a few fixed-seed examples of the
# same tests): FUZZ_EXAMPLES examples per test; 3000 take about 15 minutes on 2 cores.
# A failure prints the input; keep it in tests/fuzz_regressions/ (see its README).
# Hypothesis keeps up to 10,000 test cases of a run in memory, and an archive example is
# about 5 MB of generated data: 4000 in one process grew past 20 GB. So the session runs in
# rounds of FUZZ_ROUND examples, each in a fresh process (sharing the example database),
# under a cap of FUZZ_MEMORY_KB of address space, so a runaway input ends in a reported
# MemoryError rather than in the OOM killer.
FUZZ_EXAMPLES ?= 3000
FUZZ_ROUND ?= 500
FUZZ_MEMORY_KB ?= 8000000
fuzz: $(VENV)/.installed-test
	ulimit -v $(FUZZ_MEMORY_KB) && \
	rounds=$$(( ($(FUZZ_EXAMPLES) + $(FUZZ_ROUND) - 1) / $(FUZZ_ROUND) )) && \
	for round in $$(seq $$rounds); do \
		echo "fuzz round $$round of $$rounds: $(FUZZ_ROUND) examples per test"; \
		FUZZ_EXAMPLES=$(FUZZ_ROUND) $(PY) -m pytest -q tests/test_fuzz.py -p no:cacheprovider \
			--hypothesis-show-statistics -k "not regression" || exit 1; \
	done

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check cleaner tests bench
	$(VENV)/bin/ruff format --check cleaner tests bench
	$(VENV)/bin/mypy cleaner

bench: $(VENV)/.installed-eval
	$(PY) -m bench.speed --data $(DEVDATA) --extractors default,ensemble
	$(PY) -m bench.stages --data $(DEVDATA)

# The headline first: leave-one-dataset-out (each devdata dataset scored by a model trained on
# the other four, beside trafilatura's own output), then the site-split details, the text
# path, the corpus pass, the metadata (title, author, date) beside trafilatura's and the
# Markdown structure beside trafilatura's, and what the controls (--favor, --no-tables,
# --comments) do. About 65 minutes on 2 cores (the metadata's trafilatura side is cached in
# out/ after its first run).
eval: $(VENV)/.installed-eval
	$(PY) -m bench.lodo --data $(DEVDATA)
	$(PY) -m bench.text_model_cv --data $(DEVDATA)
	$(PY) -m bench.quality --data $(DEVDATA) --split test --train-split --extractors learned,ensemble,rules \
		--text-extractors learned,rules
	$(PY) -m bench.corpus_eval --data $(DEVDATA) --min-site-pages 2,3,5
	$(PY) -m bench.metadata_eval --data $(DEVDATA)
	$(PY) -m bench.markdown_eval --data $(DEVDATA)
	$(PY) -m bench.favor --data $(DEVDATA) --input both
	$(PY) -m bench.controls --data $(DEVDATA)

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache build cleaner/page/walk_compiled.c cleaner/page/walk_compiled.*.so \
		cleaner/page/text_counts.c cleaner/page/text_counts.*.so \
		cleaner/extractors/trees_compiled.c cleaner/extractors/trees_compiled.*.so
