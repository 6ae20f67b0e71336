#!/usr/bin/env bash
# Short fuzz run of one cargo-fuzz target, for CI: fuzz/smoke.sh TARGET SECONDS
#
# Works with the pinned stable toolchain alone: --sanitizer none needs no nightly flag (the
# coverage instrumentation is plain -C options), and the targets are safe Rust, so a panic or a
# failed assertion is what finds a bug. Set FUZZ_SANITIZER=address to add ASan (this then uses
# RUSTC_BOOTSTRAP=1, because -Zsanitizer is unstable).
# Installs cargo-fuzz (cargo install --locked) and a C++ compiler (libFuzzer is C++) if missing.
# Exits non-zero on a crash; the reproducer is left in fuzz/artifacts/TARGET/.
set -euo pipefail

usage() { echo "usage: fuzz/smoke.sh TARGET SECONDS" >&2; exit 2; }
[ $# -eq 2 ] || usage
target=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
cd "$(dirname "$0")"
[ -f "fuzz_targets/$target.rs" ] || { echo "no fuzz target '$target' in fuzz/fuzz_targets" >&2; exit 2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi
if ! command -v c++ >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing g++ (libFuzzer is built from C++ sources)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null; }
  else
    echo "a C++ compiler (c++) is needed to build libFuzzer" >&2
    exit 1
  fi
fi

sanitizer=${FUZZ_SANITIZER:-none}
if [ "$sanitizer" != none ]; then
  export RUSTC_BOOTSTRAP=1
fi

# fuzz/Cargo.lock pins libFuzzer and friends. It is not enforced with --locked: a dependency
# added to mprconfig-core must not break the smoke run; cargo then adds just that entry.
cargo fuzz build --sanitizer "$sanitizer" "$target"

# Writable corpus first (gitignored), then the committed seeds, read only.
corpus="corpus/$target"
mkdir -p "$corpus"
seeds=()
[ -d "seeds/$target" ] && seeds=("seeds/$target")
cargo fuzz run --sanitizer "$sanitizer" "$target" "$corpus" "${seeds[@]}" -- \
  -max_total_time="$seconds" -print_final_stats=1
