#!/bin/sh
# The community changes the royalty rule through governance, on a fresh SQLite chain, in one command:
#   sh Examples/rule_upgrade/run.sh            (uses `datanet` on PATH, else .build/debug or .build/release)
# Governance and royalty v1 (pro-rata) are deployed, a usage is paid, an upgrade without governance is refused,
# v2 (quality-boosted, minimum payout) is proposed, simulated on the recorded usage, voted, timelocked, executed
# and installed; the next usage pays by v2, and `explain` traces a contributor's payments. Walkthrough:
# Docs/governance.md.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here=Examples/rule_upgrade
if [ -n "${DATANET:-}" ]; then :
elif command -v datanet >/dev/null 2>&1; then DATANET=datanet
elif [ -x .build/release/datanet ]; then DATANET="$root/.build/release/datanet"
elif [ -x .build/debug/datanet ]; then DATANET="$root/.build/debug/datanet"
else echo "build datanet first: swift build" >&2; exit 1
fi
export DATANET_STDLIB="$root/Stdlib"
dir=$(mktemp -d "${TMPDIR:-/tmp}/rule-upgrade.XXXXXX")
trap 'rm -rf "$dir"' EXIT
d="--dir $dir"
step() {
    printf '\n$ datanet'
    for a in "$@"; do
        case "$a" in *[!A-Za-z0-9@._/=-]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac
    done
    printf '\n'
    "$DATANET" "$@" $d
}
contract() { sed -n 's/^  contract *//p' | head -1; }

for name in oracle owner ann ben; do "$DATANET" keys new $name $d >/dev/null; done
"$DATANET" chain init $d >/dev/null
echo "chain in $dir; keys alice bob carol oracle owner ann ben"

# Governance: quorum 100 tokens, approval 50%, votes for 3 blocks, then a timelock of 2 blocks.
gov=$("$DATANET" deploy Contracts/governance.dn 100 5000 3 2 --from alice $d | contract)
royalty=$("$DATANET" deploy "$here/royalty_v1.dn" "@$gov" @oracle --from alice --authority "$gov" $d | contract)
echo "governance $gov"
echo "royalty    $royalty (upgrade authority: governance)"

A=0x00000000000000000000000000000000000000000000000000000000000000a1
B=0x00000000000000000000000000000000000000000000000000000000000000b2
"$DATANET" call "$royalty" "contribute(#$A)" --from ann $d >/dev/null
"$DATANET" call "$royalty" "contribute(#$B)" --from ben $d >/dev/null
"$DATANET" call "$royalty" "rate(#$B, 300)" --from oracle $d >/dev/null
"$DATANET" call "$royalty" "register_model(7)" --from owner $d >/dev/null

step call "$royalty" "record_usage(1, [#$A, #$B], [2, 1])" --value 1000 --from oracle
step query "$royalty" "rule()"

step upgrade "$royalty" "$here/royalty_v2.dn" --from carol || true

step call "$gov" "lock()" --value 500 --from bob
step gov propose upgrade "$royalty" "$here/royalty_v2.dn" "quality-boosted payouts with a minimum" --gov "$gov" --from bob
step gov simulate 1 --gov "$gov"
step gov vote 1 yes --gov "$gov" --from bob
for i in 1 2 3 4 5; do "$DATANET" transfer @carol 1 --from alice $d >/dev/null; done
step gov list --gov "$gov"
step gov show 1 --gov "$gov"
step gov execute 1 --gov "$gov" --from carol

step call "$royalty" "record_usage(1, [#$A, #$B], [2, 1])" --value 1000 --from oracle
step query "$royalty" "owed(@ann)"
step query "$royalty" "owed(@ben)"
step chain history "$royalty"
step explain @ann --contract "$royalty"
step chain status
