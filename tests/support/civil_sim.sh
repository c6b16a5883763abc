# Starts the civil-service API simulator on a free loopback port (sourced): sets SIM_BASE and
# SIM_PID; `sim_control JSON` and `sim_log_count PYTHON-CONDITION` talk to it.
sim_start() {  # ITEMS_JSON CLIENT_ID CLIENT_SECRET
  python3 "$SOURCE_DIR/tests/support/civil_sim.py" --data "$1" --port-file "$WORK/.sim-port" --client-id "$2" \
    --client-secret "$3" 2>"$WORK/.sim-err" &
  SIM_PID=$!
  for _ in $(seq 100); do [[ -s "$WORK/.sim-port" ]] && break; sleep 0.1; done
  [[ -s "$WORK/.sim-port" ]] || { cat "$WORK/.sim-err" >&2; return 1; }
  SIM_BASE="http://127.0.0.1:$(cat "$WORK/.sim-port")"
}
sim_control() { curl -sf -X POST "$SIM_BASE/_control" -H 'Content-Type: application/json' -d "$1" >/dev/null; }
sim_log_count() { curl -sf "$SIM_BASE/_log" | python3 -c "import json,sys; l=json.load(sys.stdin); print(sum(1 for e in l if $1))"; }
