#!/usr/bin/env bash
# What one lever change costs in the background: the app's CPU time (user + system, from
# /proc/PID/stat) from just before typing a new SOFR into its entry until the breach shading
# it starts has finished, on the embedded s1-base scenario in a real window.
#
#   scripts/change-cost.sh [VALUE]        (VALUE: the SOFR typed, 5 unless given)
#
# CHANGE_COST_BIN runs another build; CHANGE_COST_WAIT is how long to let the work finish (s).
# Needs Xvfb and xdotool. The entry's place is that of the levers panel at 1440×900.
set -euo pipefail

cd "$(dirname "$0")/.."
value="${1:-5}"
bin="${CHANGE_COST_BIN:-target/release/coreweave-whatif}"
[[ -z "${CHANGE_COST_BIN:-}" ]] && cargo build --release --quiet
display=":${CHANGE_COST_DISPLAY:-95}"
wait_s="${CHANGE_COST_WAIT:-15}"
width=1440
height=900
# SOFR's typed entry.
entry_x=287
entry_y=166

# shellcheck source=scripts/xvfb-session.sh
source scripts/xvfb-session.sh
"$bin" &
app_pid=$!
sleep 3
window="$(xdotool search --name coreweave-whatif | head -n 1)"
xdotool windowmove "$window" 0 0 windowsize "$window" "$width" "$height"
# The first shading and the first frames settle.
sleep "$wait_s"

ticks() { awk '{ print $14 + $15 }' "/proc/$app_pid/stat"; }
hz="$(getconf CLK_TCK)"
before="$(ticks)"
xdotool mousemove "$entry_x" "$entry_y" click 1
xdotool key ctrl+a
xdotool type "$value"
xdotool key Return
start="$(date +%s.%N)"
sleep "$wait_s"
after="$(ticks)"
idle_before="$after"
sleep 5
idle_after="$(ticks)"
awk -v b="$before" -v a="$after" -v ib="$idle_before" -v ia="$idle_after" -v hz="$hz" -v w="$wait_s" 'BEGIN {
    idle = (ia - ib) / 5 * w
    printf "one change (SOFR typed): %.2f s of CPU in the %d s after it (%.2f s of it an idle window costs)\n", (a - b) / hz, w, idle / hz
}'
echo "(started $start)"
