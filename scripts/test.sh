#!/usr/bin/env bash
# Installs what the tests need, builds with AddressSanitizer and UndefinedBehaviorSanitizer,
# checks formatting, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

build=${BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNETLEDGER_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find core capture storage report cli tests -name '*.[ch]pp')
clang-format --dry-run -Werror "${sources[@]}"

echo "== ctest"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
