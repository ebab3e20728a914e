# The two README commands are `make demo` and `make test`; the rest are for developers.
SHELL := /bin/bash
.DEFAULT_GOAL := help
JOBS ?= $(shell nproc)
DATA_DIR ?= onstage-data

.PHONY: help deps web build test demo lint format bench asan fuzz clean

help:
	@echo "make demo   - install what is missing, build, create a demo event and serve it"
	@echo "make test   - install what is missing, build, lint and run every test (ctest)"
	@echo "make bench  - release build + benchmarks (figures go to BENCHMARKS.md)"
	@echo "make lint   - clang-format check + clang-tidy, zero findings allowed"
	@echo "make asan   - build and test with AddressSanitizer/UBSan"

deps:
	@scripts/install-deps --check 2>/dev/null || scripts/install-deps

# The browser apps (TypeScript, Vite) into web/dist, which `onstage serve` serves.
web: deps
	cd web && npm run build --silent

build: deps web
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

# The dev preset compiles at -O2, so GCC's optimiser-only warnings (errors here) fire in the
# test build and a second, release compile is not needed; full debug info is in `make asan`.
test: build
	$(MAKE) --no-print-directory lint
	ctest --preset dev -j $(JOBS)

demo: deps web
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target onstage
	build/release/onstage demo --data-dir $(DATA_DIR)

lint: deps
	scripts/lint

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

# bench/run-media and bench/run-broadcast create a network namespace: they need root (as the media e2e tests do).
bench: deps web
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	bench/run-event-create
	bench/run-load
	bench/run-media
	bench/run-broadcast

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

clean:
	rm -rf build
