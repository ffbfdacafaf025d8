#!/usr/bin/env bash
# Launches the release binary under Xvfb and writes a PNG of the window.
#
#   scripts/screenshot.sh [OUT.png] [-- app args…]
#
# Needs Xvfb and ImageMagick (apt-get install -y xvfb imagemagick). Uses a throwaway HOME so a
# saved session never changes what is shown: the app opens on the embedded s1-base scenario.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-assets/screenshot.png}"
shift || true
[[ "${1:-}" == "--" ]] && shift

cargo build --release --quiet
display=":${SCREENSHOT_DISPLAY:-97}"
width="${SCREENSHOT_WIDTH:-1440}"
height="${SCREENSHOT_HEIGHT:-900}"

scratch="$(mktemp -d)"
Xvfb "$display" -screen 0 "${width}x${height}x24" -nolisten tcp &
xvfb_pid=$!
app_pid=""
cleanup() {
    [[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null || true
    kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
sleep 1

export DISPLAY="$display" XDG_RUNTIME_DIR="$scratch" HOME="$scratch" XDG_DATA_HOME="$scratch/data"
target/release/coreweave-whatif "$@" &
app_pid=$!
sleep "${SCREENSHOT_WAIT:-6}"
# Fill the screen so the shot shows the whole window at the size above.
if command -v xdotool >/dev/null; then
    xdotool search --name coreweave-whatif windowmove 0 0 windowsize "$width" "$height" 2>/dev/null || true
    # Park the pointer on the status bar so no hover label covers the charts.
    xdotool mousemove "$((width - 2))" "$((height - 2))" 2>/dev/null || true
    sleep 1
fi
import -window root "$out"
echo "wrote $out"
