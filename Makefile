# interop: the elizaOS cross-language interop conformance and bridge suite.
#
#   make parity   the main job: the conformance gate over vectors/
#   make test     every test (installs what the tests need first)
#   make bench    benchmarks, each with its same-run raw baseline
#   make vectors  regenerate vectors/ from the real upstream packages

GO      ?= go
NPM     ?= npm
NODE    ?= node
BIN     := bin/interop
TS_DIR  := runners/ts
TS_DEPS := $(TS_DIR)/node_modules/.package-lock.json

export CGO_ENABLED := 1

.PHONY: all build parity test test-go lint vectors vectors-check bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/interop

# The Go peer needs nothing but Go. Until the parity runner exists, the
# gate is the Go reference checked against every vector.
parity: build
	./$(BIN) vectors validate vectors
	./$(BIN) vectors check vectors

test: lint vectors-check test-go

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# The second run forces the portable code paths (no SSE2 assembly).
test-go:
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -tags purego ./internal/... ./ids ./envelope

# npm ci installs exactly package-lock.json; install scripts are not needed
# by @elizaos/core and are skipped.
$(TS_DEPS): $(TS_DIR)/package.json $(TS_DIR)/package-lock.json
	cd $(TS_DIR) && $(NPM) ci --ignore-scripts --no-audit --no-fund
	@touch $@

vectors: $(TS_DEPS)
	cd $(TS_DIR) && $(NODE) gen-vectors.mjs ../../vectors

# Regenerating the vectors from the pinned upstream package must change
# nothing: expected values come from running upstream, never from editing.
vectors-check: vectors
	@if [ -n "$$(git status --porcelain -- vectors)" ]; then \
		echo "vectors/ differs from what the generator writes:"; git status --short -- vectors; git diff --stat -- vectors; exit 1; \
	fi
	@echo "vectors/ is reproducible from $(TS_DIR)"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzStringToUUID$$' -fuzztime $(FUZZTIME) ./ids
	$(GO) test -run '^$$' -fuzz '^FuzzOpen$$' -fuzztime $(FUZZTIME) ./envelope
	$(GO) test -run '^$$' -fuzz '^FuzzSealOpen$$' -fuzztime $(FUZZTIME) ./envelope
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/vector
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/hexcodec
	$(GO) test -run '^$$' -fuzz '^FuzzEscape$$' -fuzztime $(FUZZTIME) ./internal/uriescape

clean:
	rm -rf bin
