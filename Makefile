# The front door. `make demo` and `make test` do all set-up on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: all deps deps-test build test test-asan test-sanitized demo demo-cluster bench fuzz fuzz-configure lint format clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh build test browser

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

# Builds everything and runs every test (unit, integration, TLS against a local nginx,
# Redis conformance, browser). Tests start the servers they need on loopback.
test: deps-test build
	scripts/run-tests.sh $(PRESET)

test-asan:
	$(MAKE) test PRESET=asan

# What CI adds to `make test`: the unit and handler-level suites in the clang ASan + UBSan
# build that the fuzz targets use, then every fuzz target for FUZZ_SECONDS (one build for both).
test-sanitized: fuzz-configure
	@scripts/install-deps.sh build test
	JOBS=$(JOBS) scripts/run-sanitized-suites.sh
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# ARGS go to `spotauth demo`, e.g. make demo ARGS="--pkce --port 5003".
demo: build
	$(BUILD_DIR)/spotauth demo $(ARGS)

# Three instances sharing one Redis behind an nginx balancer, against the stand-in, on
# loopback: open http://127.0.0.1:5000/. Ctrl-C stops it all (scripts/cluster.sh).
demo-cluster: build
	@scripts/install-deps.sh build test
	scripts/cluster.sh $(BUILD_DIR)/spotauth

bench: build
	@scripts/install-deps.sh build bench
	bench/run.sh $(BUILD_DIR)

# libFuzzer targets (clang; the fuzz preset builds them with the project's own libraries):
# core's parsers, the form and Cookie-header parsers, the stand-in's token endpoint and the whole
# request path into the login app. FUZZ_SECONDS each; seeds in fuzz/corpus/<target>/, the grown
# corpus in build/fuzz/corpus/<target>/, crashing inputs in build/fuzz/artifacts/.
FUZZ_SECONDS ?= 30
fuzz: fuzz-configure
	cmake --build --preset fuzz -j $(JOBS)
	scripts/run-fuzz.sh $(FUZZ_SECONDS)

fuzz-configure: deps
	@scripts/install-deps.sh build fuzz
	@# build/fuzz once came from `cmake -S fuzz`; the preset configures the top level there now.
	@if grep -qs '^CMAKE_HOME_DIRECTORY:INTERNAL=.*/fuzz$$' build/fuzz/CMakeCache.txt; then rm -rf build/fuzz; fi
	cmake --preset fuzz

# clang-tidy 14 over src/**/*.cc (release preset's compile commands, rewritten for clang into
# build/lint/); fails on any finding. JOBS files at a time.
lint:
	@scripts/install-deps.sh build lint
	JOBS=$(JOBS) scripts/lint.sh

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
