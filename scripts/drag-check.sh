#!/usr/bin/env bash
# Drags a slider in a real window, as a person does, and checks the value followed the mouse.
#
#   scripts/drag-check.sh [OUT_DIR]
#
# Launches the release binary under Xvfb on the embedded s1-base scenario, waits for the
# sliders' breach shading, presses on the SOFR slider's handle (4.3 %), moves the mouse right
# in small steps past the end of the track, screenshots while the button is still held
# (OUT_DIR/held.png), releases, then quits with Ctrl+Q. The app saves its session on quit:
# the SOFR it saved must be the slider's maximum, 15 %. A drag that stops following the mouse
# leaves it near where it started.
#
# The positions are those of the levers panel at 1440×900 (the app's default size); the kittest
# drag test (tests/ui_drag.rs) finds the same slider at the same place.
#
# Needs Xvfb, xdotool and ImageMagick (apt-get install -y xvfb xdotool imagemagick).
set -euo pipefail

cd "$(dirname "$0")/.."
out_dir="${1:-$(mktemp -d)}"
mkdir -p "$out_dir"

# DRAG_CHECK_BIN runs another build (an older one, to see the check fail on it).
bin="${DRAG_CHECK_BIN:-target/release/coreweave-whatif}"
[[ -z "${DRAG_CHECK_BIN:-}" ]] && cargo build --release --quiet
display=":${DRAG_CHECK_DISPLAY:-96}"
width=1440
height=900
# The SOFR slider's rect in the levers panel: x 26..237, centre y 166; 0..15 % with a handle
# inset of 8 points at each end.
slider_y=166
handle_x=$((34 + 195 * 43 / 150)) # 4.3 % of 0..15
end_x=$((237 + 40))

# shellcheck source=scripts/xvfb-session.sh
source scripts/xvfb-session.sh
"$bin" &
app_pid=$!
window=""
for _ in $(seq 1 60); do
    window="$(xdotool search --name coreweave-whatif 2>/dev/null | head -n 1 || true)"
    [[ -n "$window" ]] && break
    sleep 0.5
done
if [[ -z "$window" ]]; then
    echo "drag-check: the app's window never appeared" >&2
    exit 1
fi
xdotool windowmove "$window" 0 0 windowsize "$window" "$width" "$height"
# Time for the first frames and the breach shading of the sliders on screen: the positions
# above are those with the panel's note drawn, which comes with the shading.
sleep "${DRAG_CHECK_WAIT:-12}"
import -window root "$out_dir/before.png"

xdotool mousemove "$handle_x" "$slider_y"
sleep 0.3
xdotool mousedown 1
sleep 0.2
for x in $(seq "$handle_x" 4 "$end_x"); do
    xdotool mousemove "$x" "$slider_y"
    sleep 0.03
done
sleep 0.5
import -window root "$out_dir/held.png"
xdotool mouseup 1
sleep 1
import -window root "$out_dir/after.png"

xdotool windowfocus "$window" 2>/dev/null || true
xdotool key --window "$window" ctrl+q
for _ in $(seq 1 40); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.25
done
if kill -0 "$app_pid" 2>/dev/null; then
    echo "drag-check: the app did not quit on Ctrl+Q" >&2
    exit 1
fi
app_pid=""

session="$(find "$scratch" -name 'app.ron' -print -quit)"
if [[ -z "$session" ]]; then
    echo "drag-check: the app saved no session under $scratch" >&2
    exit 1
fi
# The session holds the scenario as preset RON inside a RON string: sofr_pct: \"15\".
sofr="$(grep -o 'sofr_pct: *\\*"[0-9.]*' "$session" | head -n 1 | grep -o '[0-9.]*$' || true)"
if [[ "$sofr" != "15" ]]; then
    echo "drag-check: dragging SOFR to the end of its track left it at ${sofr:-?} %, not 15 % (screenshots in $out_dir)" >&2
    exit 1
fi
echo "drag-check: SOFR followed the mouse to 15 % (screenshots in $out_dir)"
