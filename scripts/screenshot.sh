#!/usr/bin/env bash
# Launches the release binary under Xvfb and writes a PNG of the window.
#
#   scripts/screenshot.sh [OUT.png] [-- app args…]
#
# SCREENSHOT_CLICK="X Y; X Y; …" clicks there first, in order (a menu, a preset, a tab). The
# README's backtest shot opens actual-2025 from the File menu on the breakdown tab:
#   SCREENSHOT_CLICK="20 12; 52 144; 584 281" scripts/screenshot.sh assets/backtest.png
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

# shellcheck source=scripts/xvfb-session.sh
source scripts/xvfb-session.sh
target/release/coreweave-whatif "$@" &
app_pid=$!
sleep "${SCREENSHOT_WAIT:-6}"
# Fill the screen so the shot shows the whole window at the size above.
if command -v xdotool >/dev/null; then
    xdotool search --name coreweave-whatif windowmove 0 0 windowsize "$width" "$height" 2>/dev/null || true
    IFS=';' read -ra clicks <<< "${SCREENSHOT_CLICK:-}"
    for click in "${clicks[@]}"; do
        # shellcheck disable=SC2086 # "X Y" is two arguments
        xdotool mousemove ${click} click 1 2>/dev/null || true
        sleep 1
    done
    # Park the pointer on the status bar so no hover label covers the charts.
    xdotool mousemove "$((width - 2))" "$((height - 2))" 2>/dev/null || true
    sleep 1
fi
import -window root "$out"
echo "wrote $out"
