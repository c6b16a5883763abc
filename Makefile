# The README's commands. Each target installs what is missing first, so a fresh Debian 12
# machine needs nothing but `make demo` or `make test`. `make build` and `make install` install
# only what building needs (scripts/install-deps --build); test and demo install the rest.
# CI=true builds with warnings as errors (HOPNHAT_WERROR).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps deps-build compile build demo test test-unit test-sanitize fuzz bench install clean

ifeq ($(CI),true)
WERROR_ARG = -DHOPNHAT_WERROR=ON
endif
# make build and make install leave the test suite out (it needs Catch2, which --build does not
# install); test and demo build it.
TESTS ?= ON

all: build

deps:
	@scripts/install-deps --test

deps-build:
	@scripts/install-deps --build

compile:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOPNHAT_BUILD_TESTS=$(TESTS) $(WERROR_ARG) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

build: deps-build
	@$(MAKE) --no-print-directory compile TESTS=OFF

demo: deps
	@$(MAKE) --no-print-directory compile
	@scripts/demo $(BUILD)

# Every test (unit, conformance, integration, SDK package), then the unit tests again under
# AddressSanitizer and UBSan, then a short fuzzing run of every file reader.
test: deps
	@$(MAKE) --no-print-directory compile
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	@$(MAKE) --no-print-directory test-sanitize

test-unit: deps
	@$(MAKE) --no-print-directory compile
	@cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

test-sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHOPNHAT_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target hopnhat_unit_tests hopnhat hopnhat_test_good hopnhat_test_wrong_abi hopnhat_test_misbehaving \
	    hopnhat_test_no_stamp hopnhat_test_missing_factory hopnhat_test_throwing hopnhat_reports_engine_tests
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -L unit -j$(JOBS)
	@$(MAKE) --no-print-directory fuzz FUZZ_FIXED=1

# libFuzzer on every file reader with clang from Debian: FUZZ_SECONDS (15) each, or with
# FUZZ_FIXED=1 (as make test does) a fixed seed and number of runs, the same every time.
fuzz: deps
	@cmake -S tests/fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target fuzz_xlsx fuzz_ods fuzz_xls fuzz_csv
	@FUZZ_FIXED=$(FUZZ_FIXED) scripts/run-fuzz build-fuzz

# Speed and quality figures (docs/benchmarks.md). BENCH_PERSONS=200000 make bench for a shorter run.
bench: deps
	@$(MAKE) --no-print-directory compile
	@python3 bench/run.py --build $(BUILD)

install: build
	@cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
