# shellcheck shell=bash
# Starting, checking and stopping the cluster's background processes.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

# True when the pid file of $1 names a live process running the executable $2 (a reused pid does not count).
daemon_running() {
  local pid_file="$run_dir/$1.pid" exe
  [ -f "$pid_file" ] || return 1
  exe="$(readlink "/proc/$(cat "$pid_file")/exe" 2>/dev/null)" || return 1
  [ "$exe" = "$(readlink -f "$(command -v "$2")")" ]
}

# The command line plus the content of the config files it names: what must match for a running daemon to be kept.
daemon_fingerprint() {
  local arg
  printf '%s\n' "$*"
  for arg in "$@"; do
    case "$arg" in *.toml | *.yaml) [ -f "$arg" ] && sha256sum "$arg" ;; esac
  done
}

# Starts "$@" detached (setsid: it outlives this script) unless it already runs with the same command line; one
# started with other flags or config (an older version of this script) is restarted.
start_daemon() {
  local name="$1" pid_file="$run_dir/$1.pid" args_file="$run_dir/$1.args"
  shift
  if daemon_running "$name" "$1"; then
    [ "$(cat "$args_file" 2>/dev/null)" = "$(daemon_fingerprint "$@")" ] && return 0
    log "$name runs with other flags or config: restarting it."
    stop_daemon "$name"
  fi
  daemon_fingerprint "$@" >"$args_file"
  log "Starting $name (log: $log_dir/$name.log)..."
  setsid nohup "$@" >>"$log_dir/$name.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

# Waits up to $2 seconds for the command "${@:3}" to succeed; on timeout shows the component's log.
wait_for() {
  local name="$1" seconds="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$name did not become ready within $seconds s. Last lines of $log_dir/$name.log:"
  tail -n 30 "$log_dir/$name.log" >&2 || true
  exit 1
}

stop_daemon() {
  local pid_file="$run_dir/$1.pid" pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "Stopping $1 (pid $pid)..."
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pid_file"
}

kubectl_() { "$bin_dir/kubectl" --kubeconfig "$kubeconfig" "$@"; }
