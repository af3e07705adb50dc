# rtcgate — the two commands: `make run` and `make test`. Everything else is optional.
BUILD       ?= build
BUILD_ASAN  ?= build-asan
BUILD_FUZZ  ?= build-fuzz
FUZZ_SECONDS ?= 60
CONFIG      ?= config/rtcgate.toml
JOBS        ?= $(shell nproc)

# Line tables only (-g1): stack traces keep their files and lines, and the build takes about a
# fifth less time than with full debug info (-g). `make CMAKE_DEBUG_INFO=-g` for a debugger.
CMAKE_DEBUG_INFO ?= -g1
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(CMAKE_DEBUG_INFO) -DNDEBUG"

.PHONY: all deps build run test test-asan fuzz bench soak soak-asan clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/src/rtcgate --config $(CONFIG)

# The end-to-end tests print the figures they assert on (lines starting with '# '); ctest
# keeps the output of passing tests in its log, so show those lines after the run.
test: build
	cd $(BUILD) && status=0; ctest --output-on-failure -j $(JOBS) || status=$$?; \
	  grep -h -E '^(# |✔|✖)' Testing/Temporary/LastTest.log || true; exit $$status

test-asan: deps
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_FLAGS) -DRTCGATE_SANITIZE=ON -DRTCGATE_BENCH=OFF
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|integration|fuzz'

fuzz:
	@./scripts/install-deps.sh --fuzz
	CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) $(CMAKE_FLAGS) -DRTCGATE_FUZZ=ON -DRTCGATE_SANITIZE=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	./scripts/run-fuzzers.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

bench: build
	./scripts/run-benchmarks.sh $(BUILD)

# The churn soak (docs/RELIABILITY.md): 10,000 WHIP/WHEP sessions with media over about an
# hour; fails on a failed or leftover session, a leaked descriptor or RSS growth after
# warm-up. SOAK_SESSIONS, SOAK_RATE, SOAK_HOLD, SOAK_WARMUP shorten or lengthen it.
soak: build
	./scripts/soak.sh $(BUILD)/src/rtcgate $(BUILD)/bench/rtcgate-load $(BUILD)/soak

# The same soak against an ASan/UBSan gateway: also fails on any sanitizer report at exit.
soak-asan: build
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_FLAGS) -DRTCGATE_SANITIZE=ON -DRTCGATE_BENCH=OFF
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target rtcgate
	SOAK_MAX_RSS_GROWTH=$${SOAK_MAX_RSS_GROWTH:-1000} ./scripts/soak.sh $(BUILD_ASAN)/src/rtcgate \
	  $(BUILD)/bench/rtcgate-load $(BUILD_ASAN)/soak

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
