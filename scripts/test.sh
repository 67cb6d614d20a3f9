#!/usr/bin/env bash
# Installs what the tests need, builds with AddressSanitizer and UndefinedBehaviorSanitizer,
# checks formatting and clang-tidy, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

build=${BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNETLEDGER_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find core capture storage report cli tests -name '*.[ch]pp')
clang-format --dry-run -Werror "${sources[@]}"

echo "== clang-tidy"
# The library and command sources (the tests follow gtest's own naming); any warning fails.
mapfile -t checked < <(printf '%s\n' "${sources[@]}" | grep -E '\.cpp$' | grep -vE '^(tests|bench)/')
tidy_log=$(mktemp)
run-clang-tidy -p "$build" -j "$(nproc)" -quiet -extra-arg=-Wno-unknown-warning-option "${checked[@]}" >"$tidy_log" 2>&1 || true
if sed 's/\x1b\[[0-9;]*m//g' "$tidy_log" | grep -E '(warning|error):|Error while processing'; then
  rm -f "$tidy_log"
  echo "clang-tidy: fix the findings above" >&2
  exit 1
fi
rm -f "$tidy_log"

echo "== ctest"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
