# Everything the project needs is installed from here: `make run` and `make test` are the
# two commands a newcomer needs (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install run sidecar test test-fast test-slow check lint typecheck proto proto-check docs docs-check buf-lint bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	# Bytecode now, as pip does: a sandboxed worker cannot write it into the venv, so a module
	# first imported in a worker (most of Sage is imported lazily) would be compiled again in
	# every worker that uses it.
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[dev]'
	touch $@

install: $(STAMP)  ## Create .venv with Sage, gRPC, the MCP SDK and the dev tools

run: $(STAMP)  ## Start the Sage sidecar and the MCP server locally (Ctrl-C stops both)
	$(VENV)/bin/sage-runtime

sidecar: $(STAMP)  ## Start only the gRPC sidecar on 127.0.0.1:50051
	$(VENV)/bin/sage-sidecar

test: check  ## Lint, type-check, check the contract and generated code, then run the test suite
	$(PY) -m pytest -m "not slow"

test-fast: $(STAMP)  ## Run only the tests, skipping the static checks
	$(PY) -m pytest -m "not slow" -x

test-slow: $(STAMP)  ## Run the long fault, load and fuzz runs as well
	$(PY) -m pytest

# The whole reliability and security suite, slow runs included (about 5 minutes on 2 cores;
# each test has its own timeout and the run as a whole stops after 40). Its figures go to
# build/reliability/, and docs/reliability.md is rewritten from them, failures included.
.PHONY: test-reliability
test-reliability: $(STAMP)  ## Run the fault, bomb, attack, fuzz and load suite; rewrite docs/reliability.md
	rm -rf build/reliability
	status=0; timeout --signal=INT 2400 $(PY) -m pytest tests/reliability -m "" || status=$$?; \
	$(PY) -m tests.reliability.report && exit $$status

check: lint typecheck buf-lint proto-check docs-check check-deploy  ## The static checks CI runs before the tests

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

buf-lint: $(STAMP)
	cd protos && ../$(VENV)/bin/buf lint

proto: $(STAMP)  ## Regenerate the protobuf/gRPC modules from protos/
	$(PY) scripts/gen_protos.py

proto-check: $(STAMP)
	$(PY) scripts/gen_protos.py --check

docs: $(STAMP)  ## Rewrite the README's configuration tables from the settings
	$(PY) scripts/settings_table.py

docs-check: $(STAMP)
	$(PY) scripts/settings_table.py --check

# Deploy files: there is no container engine in CI, so the images, compose file and manifests
# are checked statically here, and tests/deploy runs the images' entrypoints as local processes.
# checkov gets a venv of its own: its pins clash with Sage's. Native sidecars need Kubernetes
# 1.29 or later, so the manifests are validated against 1.29 and the newest schema.
.PHONY: check-deploy
CHECKOV_VENV  := $(VENV)/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp
RENDERED      := build/deploy

$(CHECKOV_STAMP): deploy/requirements/checkov.txt $(STAMP)
	$(PY) -m venv $(CHECKOV_VENV)
	$(VENV)/bin/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python --require-hashes -r $<
	touch $@

check-deploy: $(STAMP) $(CHECKOV_STAMP)  ## Lint and validate the Dockerfiles, compose file and Kubernetes manifests
	$(VENV)/bin/hadolint deploy/sidecar.Dockerfile deploy/mcp.Dockerfile
	$(VENV)/bin/yamllint --strict -c deploy/yamllint.yaml deploy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec deploy/compose.yaml
	rm -rf $(RENDERED) && mkdir -p $(RENDERED)
	$(VENV)/bin/kubectl kustomize deploy/k8s/base > $(RENDERED)/base.yaml
	$(VENV)/bin/kubectl kustomize deploy/k8s/overlays/example > $(RENDERED)/example.yaml
	$(VENV)/bin/kubernetes-validate --strict --quiet -k 1.29.0 $(RENDERED)/base.yaml $(RENDERED)/example.yaml
	$(VENV)/bin/kubernetes-validate --strict --quiet -k 1.37.0 $(RENDERED)/base.yaml $(RENDERED)/example.yaml
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework dockerfile \
		-f deploy/sidecar.Dockerfile -f deploy/mcp.Dockerfile
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework kubernetes \
		-f $(RENDERED)/base.yaml -f $(RENDERED)/example.yaml
	$(VENV)/bin/mypy deploy

bench: $(STAMP)  ## Run the benchmarks and regenerate docs/benchmarks.md
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
