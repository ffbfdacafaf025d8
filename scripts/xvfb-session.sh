# Sourced by the scripts that run the app in a real window: starts Xvfb on $display at
# ${width}x${height}, points DISPLAY and a throwaway HOME at it (so a saved session never
# changes what is shown, and the one the app saves lands in $scratch), and on exit kills
# the app ($app_pid, once set) and the server and removes $scratch.

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
