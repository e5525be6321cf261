# The front door. `make demo` and `make test` do all set-up on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: all deps deps-test build test test-asan demo bench fuzz format clean

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

demo: build
	$(BUILD_DIR)/spotauth demo

bench: build
	@scripts/install-deps.sh build bench
	bench/run.sh $(BUILD_DIR)

# libFuzzer targets (clang) for core's parsers of outside input; FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
fuzz: deps
	@scripts/install-deps.sh build fuzz
	cmake -S fuzz -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/fuzz -j $(JOBS)
	for t in build/fuzz/*_fuzz; do mkdir -p build/fuzz/corpus/$$(basename $$t); \
	  $$t -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus/$$(basename $$t) || exit 1; done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
