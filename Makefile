# interop: the elizaOS cross-language interop conformance and bridge suite.
#
#   make parity   the main job: install the peers and run the conformance gate
#   make test     every test (installs what the tests need first)
#   make bench    benchmarks, each with its same-run raw baseline
#   make vectors  regenerate vectors/ from the real upstream packages
#   make fuzz     run every fuzz target for FUZZTIME each

GO      ?= go
NPM     ?= npm
NODE    ?= node
PYTHON  ?= python3
CARGO   ?= cargo
BIN     := bin/interop

TS_DIR   := runners/ts
TS_DEPS  := $(TS_DIR)/node_modules/.package-lock.json
PY_DIR   := runners/python
PY_VENV  := $(PY_DIR)/.venv
PY_DEPS  := $(PY_VENV)/.installed
RS_DIR   := runners/rust
RS_PEER  := $(RS_DIR)/target/release/interop-peer
GUESTS   := build/guests

export CGO_ENABLED := 1

.PHONY: all build parity parity-check fuzz-check peers peers-optional test test-go test-runners lint vectors vectors-check \
	bench bench-compare fuzz fuzz-parity chromium clean guests guest-tools guests-go guests-c guests-rust-wasm guests-rust-ffi \
	sbom sbom-tools audit audit-tools noleak-mutations

all: build

build:
	$(GO) build -o $(BIN) ./cmd/interop

# ---- peers: each wraps the real upstream package, pinned

# npm ci installs exactly package-lock.json; no install scripts are needed.
$(TS_DEPS): $(TS_DIR)/package.json $(TS_DIR)/package-lock.json
	cd $(TS_DIR) && $(NPM) ci --ignore-scripts --no-audit --no-fund
	@touch $@

# A virtual environment inside the repository, from the hash-pinned lock.
$(PY_DEPS): $(PY_DIR)/requirements.lock
	rm -rf $(PY_VENV)
	$(PYTHON) -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps --only-binary :all: -r $(PY_DIR)/requirements.lock
	@touch $@

$(RS_PEER): $(RS_DIR)/Cargo.toml $(RS_DIR)/Cargo.lock $(wildcard $(RS_DIR)/src/*.rs)
	cd $(RS_DIR) && $(CARGO) build --release --locked

peers: $(TS_DEPS) $(PY_DEPS) $(RS_PEER)

# ---- guests: the example plugin built for the WASM and FFI bridges

# Debian's clang and lld (C to wasm32), wabt (wat2wasm for the hostile
# guests of the tests) and Rust 1.63 with its wasm32 standard library
# (rustup cannot add wasm targets here; the Rust guest is std-only).
guest-tools:
	@if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1 || ! command -v wat2wasm >/dev/null 2>&1 \
		|| [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld wabt rustc libstd-rust-dev-wasm32 >/dev/null; \
	fi

# The Go example plugin as a WASI reactor.
$(GUESTS)/go-example.wasm: $(wildcard runners/go-wasm/*.go internal/exampleplugin/*.go ids/*.go types/*.go plugin/*.go)
	@mkdir -p $(GUESTS)
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags=-s -o $@ ./runners/go-wasm

guests-go: $(GUESTS)/go-example.wasm

guests-c: guest-tools
	$(MAKE) -C runners/c

guests-rust-wasm: guest-tools
	$(MAKE) -C runners/rust-wasm

guests-rust-ffi:
	cd $(RS_DIR) && $(CARGO) build --release --locked -p interop-ffi-example

guests: guests-go guests-c guests-rust-wasm guests-rust-ffi

# make parity installs what it can; a peer whose installation fails is
# reported as not installed and the gate runs with the others (the Go peer
# needs nothing). The failing command and its last error line go to
# runners/<peer>/.install-error, which the gate prints in its header.
define try_install
	@rm -f runners/$(1)/.install-error; \
	if ! $(MAKE) --no-print-directory $(2) > runners/$(1)/.install.log 2>&1; then \
		cat runners/$(1)/.install.log; \
		printf '%s failed: %s\n' "$(3)" "$$(grep -v '^[[:space:]]*$$' runners/$(1)/.install.log | grep -v '^make' | tail -n 1 | cut -c1-300)" > runners/$(1)/.install-error; \
		echo "interop: installing the $(1) peer failed; make parity runs without it"; \
	fi
endef

peers-optional:
	$(call try_install,ts,$(TS_DEPS),npm ci in runners/ts)
	$(call try_install,python,$(PY_DEPS),pip install of runners/python/requirements.lock)
	$(call try_install,rust,$(RS_PEER) guests-rust-ffi,cargo build --release --locked in runners/rust)
	$(call try_install,go-wasm,guests-go,GOOS=wasip1 go build of runners/go-wasm)
	$(call try_install,c,guests-c,make -C runners/c)
	$(call try_install,rust-wasm,guests-rust-wasm,make -C runners/rust-wasm)

parity: build peers-optional
	./$(BIN) parity --peers auto

# The gate as a test: all four peers required, known-failure lists strict.
parity-check: build peers guests
	./$(BIN) parity --peers all --progress never

# Differential fuzzing as a test: a fixed seed over every suite, the four
# real peers, judged as the gate judges; it must find no new cause
# (docs/ci.md). A fresh seed each night is the scheduled job's.
FUZZ_CHECK_SEED ?= 20261207
fuzz-check: build peers
	./$(BIN) parity fuzz --peers all --n 600 --seed $(FUZZ_CHECK_SEED) --out build/fuzz-check

# ---- tests

test: lint vectors-check chromium parity-check fuzz-check sbom test-go test-runners

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags purego ./...
	$(GO) vet -tags cgobench ./bridge/ffi/...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./runners/go-wasm
	CGO_ENABLED=0 $(GO) build ./bridge/... ./cmd/interop

# Debian's chromium renders the HTML report in a test (as root on CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The second run forces the portable code paths (no SSE2 assembly). Tests
# that need a guest or a tool fail, rather than skip, when it is missing.
test-go: guests
	INTEROP_REQUIRE_GUESTS=1 INTEROP_REQUIRE_SBOM=1 $(GO) test -race -count=1 ./...
	$(GO) test -count=1 -tags purego ./internal/... ./ids ./envelope

# Each peer's own tests, against the real upstream package it wraps.
test-runners: peers guest-tools
	cd $(TS_DIR) && $(NODE) --test test/
	$(PYTHON) -m pytest -q -p no:cacheprovider $(PY_DIR)/tests
	cd $(RS_DIR) && $(CARGO) test --release --locked
	$(MAKE) -C runners/c test
	$(MAKE) -C runners/rust-wasm test check

vectors: $(TS_DEPS)
	cd $(TS_DIR) && $(NODE) gen-vectors.mjs ../../vectors
	$(GO) run ./internal/pluginsuite/gen vectors

# Regenerating the vectors from the pinned upstream packages must change
# nothing: expected values come from running upstream, never from editing.
vectors-check: vectors
	@if [ -n "$$(git status --porcelain -- vectors)" ]; then \
		echo "vectors/ differs from what the generator writes:"; git status --short -- vectors; git diff --stat -- vectors; exit 1; \
	fi
	@echo "vectors/ is reproducible from $(TS_DIR)"

# bridge/ffi's cgo baseline builds only with the cgobench tag (the library
# itself never uses cgo).
bench: guests
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) test -tags cgobench -run '^$$' -bench RoundTrip -benchmem ./bridge/ffi

# The IPC bridge beside hashicorp/go-plugin and the WASM bridge beside
# Extism's Go SDK, each in a module of its own so that the library never
# depends on them.
bench-compare: guests-c
	cd bench/goplugin && $(GO) test -run '^$$' -bench . -benchmem
	cd bench/extism && $(GO) test -run '^$$' -bench . -benchmem

FUZZTIME ?= 20s
FUZZ_TARGETS := \
	ids:FuzzStringToUUID envelope:FuzzOpen envelope:FuzzSealOpen internal/vector:FuzzRead \
	internal/hexcodec:FuzzDecode internal/uriescape:FuzzEscape internal/secretscan:FuzzScanText \
	internal/jsontext:FuzzValidate types:FuzzUnmarshal manifest:FuzzValidate \
	redact:FuzzText redact:FuzzTextPlanted redact:FuzzTextEngines redact:FuzzMask redact:FuzzSecrets redact:FuzzHandler \
	internal/ndjson:FuzzReadLine bridge/ipc:FuzzServe bridge/wasm:FuzzGuestResult bridge/ffi:FuzzErrorObject \
	envelope:FuzzAppendOpen envelope:FuzzAppendSeal ids:FuzzAppendUUID ids:FuzzAppendUniqueUUID redact:FuzzStructLayout
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn"; $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$pkg || exit 1; done

# Differential fuzzing against the real peers: new behaviour only (exit 1
# on a new cause), candidates written as vectors to fuzz-candidates/.
FUZZN ?= 3000
fuzz-parity: build peers
	./$(BIN) parity fuzz --peers go,ts,python,rust --n $(FUZZN) --seed $${SEED:-1} --out fuzz-candidates

# Removes each redaction the no-leak test stands for, one at a time, and
# checks that internal/noleak's test then fails (about two minutes).
noleak-mutations: guest-tools
	internal/noleak/mutations.sh

clean:
	rm -rf bin build $(PY_VENV) $(RS_DIR)/target

# ---- supply chain: SBOMs (make sbom) and vulnerability audits (make audit)
#
# Every tool is pinned to an exact version and installed inside the
# repository, under build/tools: the Go and Rust binaries in build/tools/bin
# (GOBIN, cargo install --root), cyclonedx-bom and pip-audit in the venv
# build/tools/pyenv from a hash-pinned lock, cyclonedx-npm in build/tools/npm
# from a lock file. A stamp named after each version reinstalls on a bump.
# Each install prints how long it took (cargo's compile for several minutes).

TOOLS       := build/tools
TOOLS_BIN   := $(abspath $(TOOLS)/bin)
TOOL_STAMPS := $(TOOLS)/stamps
SC_TOOLS    := scripts/supply-chain-tools
SBOM_DIR    := build/sbom
SBOM_WORK   := build/sbom-work

CYCLONEDX_GOMOD_VERSION := v1.10.0
GOVULNCHECK_VERSION     := v1.10.0
CARGO_CYCLONEDX_VERSION := 0.5.9
CARGO_AUDIT_VERSION     := 0.22.2
# cyclonedx-npm 6.0.1: $(SC_TOOLS)/npm/package-lock.json
# cyclonedx-bom 7.5.0, pip-audit 2.10.1: $(SC_TOOLS)/requirements.lock

CYCLONEDX_GOMOD := $(TOOL_STAMPS)/cyclonedx-gomod@$(CYCLONEDX_GOMOD_VERSION)
GOVULNCHECK     := $(TOOL_STAMPS)/govulncheck@$(GOVULNCHECK_VERSION)
CARGO_CYCLONEDX := $(TOOL_STAMPS)/cargo-cyclonedx@$(CARGO_CYCLONEDX_VERSION)
CARGO_AUDIT     := $(TOOL_STAMPS)/cargo-audit@$(CARGO_AUDIT_VERSION)
NPM_TOOLS       := $(TOOLS)/npm/node_modules/.package-lock.json
PY_TOOLS        := $(TOOLS)/pyenv/.installed

# $(call timed,WHAT,COMMAND): run COMMAND and say how long it took.
timed = start=$$(date +%s); $(2) && echo "interop: $(1) took $$(( $$(date +%s) - start ))s"

$(CYCLONEDX_GOMOD):
	@mkdir -p $(TOOL_STAMPS)
	@$(call timed,go install cyclonedx-gomod@$(CYCLONEDX_GOMOD_VERSION),GOBIN=$(TOOLS_BIN) $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_GOMOD_VERSION))
	@touch $@

$(GOVULNCHECK):
	@mkdir -p $(TOOL_STAMPS)
	@$(call timed,go install govulncheck@$(GOVULNCHECK_VERSION),GOBIN=$(TOOLS_BIN) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION))
	@touch $@

$(CARGO_CYCLONEDX):
	@mkdir -p $(TOOL_STAMPS)
	@$(call timed,cargo install cargo-cyclonedx@$(CARGO_CYCLONEDX_VERSION),$(CARGO) install --quiet --locked --version $(CARGO_CYCLONEDX_VERSION) --root $(TOOLS) cargo-cyclonedx)
	@touch $@

$(CARGO_AUDIT):
	@mkdir -p $(TOOL_STAMPS)
	@$(call timed,cargo install cargo-audit@$(CARGO_AUDIT_VERSION),$(CARGO) install --quiet --locked --version $(CARGO_AUDIT_VERSION) --root $(TOOLS) cargo-audit)
	@touch $@

$(NPM_TOOLS): $(SC_TOOLS)/npm/package.json $(SC_TOOLS)/npm/package-lock.json
	@mkdir -p $(TOOLS)/npm
	cp $^ $(TOOLS)/npm/
	@$(call timed,npm ci of $(SC_TOOLS)/npm,cd $(TOOLS)/npm && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	@touch $@

$(PY_TOOLS): $(SC_TOOLS)/requirements.lock
	rm -rf $(TOOLS)/pyenv
	$(PYTHON) -m venv $(TOOLS)/pyenv
	@$(call timed,pip install of $(SC_TOOLS)/requirements.lock,$(TOOLS)/pyenv/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps --only-binary :all: -r $<)
	@touch $@

sbom-tools: $(CYCLONEDX_GOMOD) $(NPM_TOOLS) $(PY_TOOLS) $(CARGO_CYCLONEDX)
audit-tools: $(GOVULNCHECK) $(PY_TOOLS) $(CARGO_AUDIT)

# One CycloneDX JSON file per ecosystem; each is written in $(SBOM_WORK)
# (with the generator's log) and renamed, so that a failed run leaves no
# half-written SBOM in $(SBOM_DIR). cargo-cyclonedx alone writes beside
# each Cargo.toml (.gitignore'd) before the move.
SBOMS := $(SBOM_DIR)/go.cdx.json $(SBOM_DIR)/ts.cdx.json $(SBOM_DIR)/python.cdx.json \
	$(SBOM_DIR)/rust.cdx.json $(SBOM_DIR)/rust-ffi-example.cdx.json

# The Go module: its module graph, with licences detected as evidence.
$(SBOM_DIR)/go.cdx.json: go.mod go.sum $(CYCLONEDX_GOMOD)
	@mkdir -p $(SBOM_DIR) $(SBOM_WORK)
	@$(call timed,cyclonedx-gomod,$(TOOLS_BIN)/cyclonedx-gomod mod -json -output-version 1.6 -licenses -noserial -notimestamp -output $(SBOM_WORK)/$(@F) . 2>$(SBOM_WORK)/$(@F).log || { cat $(SBOM_WORK)/$(@F).log; exit 1; })
	@mv $(SBOM_WORK)/$(@F) $@

# runners/ts without dev dependencies, from the node_modules of npm ci.
$(SBOM_DIR)/ts.cdx.json: $(TS_DEPS) $(NPM_TOOLS)
	@mkdir -p $(SBOM_DIR) $(SBOM_WORK)
	@$(call timed,cyclonedx-npm,cd $(TS_DIR) && $(abspath $(TOOLS)/npm/node_modules/.bin/cyclonedx-npm) --omit dev --spec-version 1.6 --output-reproducible --output-format JSON --output-file $(abspath $(SBOM_WORK)/$(@F)) 2>$(abspath $(SBOM_WORK)/$(@F).log) || { cat $(abspath $(SBOM_WORK)/$(@F).log); exit 1; })
	@mv $(SBOM_WORK)/$(@F) $@

# runners/python: exactly the hash-pinned requirements.lock (not the tool's
# own venv, nor the pip and setuptools of the runner's venv). The root
# component comes from a pyproject.toml written from requirements.in.
$(SBOM_DIR)/python.cdx.json: $(PY_DIR)/requirements.lock $(PY_DIR)/requirements.in $(PY_TOOLS)
	@mkdir -p $(SBOM_DIR) $(SBOM_WORK)/python
	@deps=$$(sed -e 's/#.*//' -e 's/[[:space:]]*$$//' -e '/^$$/d' -e 's/.*/"&"/' $(PY_DIR)/requirements.in | paste -sd, -); \
	printf '[project]\nname = "interop-runner-python"\nversion = "0.0.0"\ndescription = "Parity-gate peer wrapping the elizaos package from PyPI (runners/python)"\ndependencies = [%s]\n' "$$deps" > $(SBOM_WORK)/python/pyproject.toml
	@$(call timed,cyclonedx-py,$(TOOLS)/pyenv/bin/cyclonedx-py requirements --sv 1.6 --mc-type application --pyproject $(SBOM_WORK)/python/pyproject.toml --output-reproducible -o $(SBOM_WORK)/$(@F) $(PY_DIR)/requirements.lock 2>$(SBOM_WORK)/$(@F).log || { cat $(SBOM_WORK)/$(@F).log; exit 1; })
	@mv $(SBOM_WORK)/$(@F) $@

# runners/rust: cargo-cyclonedx writes one SBOM per workspace member (the
# peer and the FFI example), beside each Cargo.toml; they are moved here at
# once. CycloneDX 1.5 is the newest it writes.
RS_SBOM_NAME := interop-sbom-tmp
$(SBOM_DIR)/rust.cdx.json $(SBOM_DIR)/rust-ffi-example.cdx.json &: $(RS_DIR)/Cargo.toml $(RS_DIR)/Cargo.lock $(RS_DIR)/ffi-example/Cargo.toml $(CARGO_CYCLONEDX)
	@mkdir -p $(SBOM_DIR) $(SBOM_WORK)
	@$(call timed,cargo-cyclonedx,cd $(RS_DIR) && $(TOOLS_BIN)/cargo-cyclonedx cyclonedx --quiet --format json --spec-version 1.5 --override-filename $(RS_SBOM_NAME))
	@mv $(RS_DIR)/$(RS_SBOM_NAME).json $(SBOM_DIR)/rust.cdx.json
	@mv $(RS_DIR)/ffi-example/$(RS_SBOM_NAME).json $(SBOM_DIR)/rust-ffi-example.cdx.json

sbom: $(SBOMS)
	@echo "interop: CycloneDX SBOMs in $(SBOM_DIR)/: $(notdir $(SBOMS))"

# The Go test validates build/sbom against the vendored CycloneDX schemas and
# runs the audit runner against an unreachable database, so make test builds
# both first (test-go's env sets INTEROP_REQUIRE_SBOM=1).
test-go: sbom $(GOVULNCHECK)

# Each audit that can reach its advisory database runs; one that cannot is
# reported as such, and fails the run only with AUDIT_STRICT=1. Findings
# fail it. Summary: build/audit/summary.json.
# Exit status: 1 findings, 2 a tool failed, 3 unreachable with AUDIT_STRICT=1.
audit: audit-tools
	$(GO) build -o $(TOOLS_BIN)/interop-audit ./internal/cmd/audit
	GOVULNCHECK=$(TOOLS_BIN)/govulncheck PIP_AUDIT=$(abspath $(TOOLS)/pyenv/bin/pip-audit) \
	CARGO_AUDIT=$(TOOLS_BIN)/cargo-audit NPM=$(NPM) $(TOOLS_BIN)/interop-audit
