#!/usr/bin/env bash
# Lists every public symbol the analyzer reports as undeclared (RS0016) in src/KlDivergence/PublicAPI.Unshipped.txt,
# so a deliberate change of the public surface is one command plus a reviewed diff. Removed symbols (RS0017) must be
# deleted from the files by hand: that is a breaking change and deserves a look.
set -euo pipefail
cd "$(dirname "$0")/../src/KlDivergence"
out="$(dotnet build -v q -nologo -p:TreatWarningsAsErrors=false 2>&1 || true)"
new="$(printf '%s\n' "$out" | grep -o "RS0016: Symbol '.*' is not part of the declared public API" \
  | sed -e "s/^RS0016: Symbol '//" -e "s/' is not part of the declared public API$//" | sort -u)"
if [ -n "$new" ]; then
  { cat PublicAPI.Unshipped.txt; printf '%s\n' "$new"; } | awk 'NR == 1 || !seen[$0]++' > PublicAPI.Unshipped.tmp
  { head -n 1 PublicAPI.Unshipped.tmp; tail -n +2 PublicAPI.Unshipped.tmp | sort -u; } > PublicAPI.Unshipped.txt
  rm -f PublicAPI.Unshipped.tmp
fi
printf '%s symbols added to PublicAPI.Unshipped.txt\n' "$(printf '%s' "$new" | grep -c . || true)"
