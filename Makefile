# The two commands a reader needs: `make book` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book pdf test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/atoms build -j 2

# The whole book as one PDF, _build/pdf/book.pdf, printed by Debian's chromium; without one it stops at once.
pdf: $(STAMP)
	$(BIN)/python -m atoms.pdf --check
	$(MAKE) book
	$(BIN)/python -m atoms.pdf

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/engine_vs_keras.py

clean:
	rm -rf _build runs book/chapters book/claims.md book/findings.md book/reproducibility.md book/citation.md
