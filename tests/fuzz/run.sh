#!/usr/bin/env bash
# `make fuzz`: builds each tests/fuzz/fuzz_*.c with libFuzzer and the sanitizers, runs it for FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${FUZZ_SECONDS:-30}
pkgs="libxml-2.0 libsodium jansson libmariadb xlsxwriter libqrencode cairo libpng libzip librsvg-2.0"
mkdir -p build/fuzz
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2046
    clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        $(pkg-config --cflags $pkgs) -iquote fcgi/core -o "build/fuzz/$name" "$src" fcgi/core/*.c \
        $(pkg-config --libs $pkgs) -lfcgi
    mkdir -p "build/fuzz/corpus-$name"
    # The certificate sanitiser starts from real templates.
    [[ $name != fuzz_svg ]] || cp templates/certificates/*.svg "build/fuzz/corpus-$name/"
    echo "fuzz: $name for ${seconds}s"
    "build/fuzz/$name" -max_total_time="$seconds" -max_len=16384 -print_final_stats=0 "build/fuzz/corpus-$name" \
        2>"build/fuzz/$name.log" || { tail -n 40 "build/fuzz/$name.log"; exit 1; }
    tail -n 1 "build/fuzz/$name.log"
done
