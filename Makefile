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

.PHONY: all build parity parity-check peers peers-optional test test-go test-runners lint vectors vectors-check \
	bench bench-compare fuzz fuzz-parity chromium clean guests guest-tools guests-go guests-c guests-rust-wasm guests-rust-ffi

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

# ---- tests

test: lint vectors-check chromium parity-check test-go test-runners

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
	INTEROP_REQUIRE_GUESTS=1 $(GO) test -race -count=1 ./...
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

clean:
	rm -rf bin build $(PY_VENV) $(RS_DIR)/target
