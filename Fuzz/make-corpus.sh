#!/usr/bin/env bash
# Regenerates the seed corpora in Fuzz/corpus/ from Fuzz/seeds/*.dna and Examples/bench/*.dna:
# fuzz-vm gets the assembled bytecode (.dnb), fuzz-asm the text. Needs the debug `datanet`
# (`swift build` at the repository root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
datanet="$root/.build/debug/datanet"
[ -x "$datanet" ] || { echo "error: build $datanet first (swift build)" >&2; exit 1; }
mkdir -p "$here/corpus/fuzz-vm" "$here/corpus/fuzz-asm"
for src in "$here"/seeds/*.dna "$root"/Examples/bench/*.dna; do
    name="$(basename "$src" .dna)"
    "$datanet" asm "$src" -o "$here/corpus/fuzz-vm/$name.dnb" >/dev/null
    cp "$src" "$here/corpus/fuzz-asm/$name.dna"
done
ls -l "$here/corpus/fuzz-vm" "$here/corpus/fuzz-asm"
