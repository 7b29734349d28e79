#!/usr/bin/env bash
# Serve quantviz from N `streamlit run` processes behind nginx, with sticky sessions.
#
#   scripts/serve_cluster.sh [N] [PORT] [ADDRESS]
#
# N processes (default: the number of cores) listen on free loopback ports; nginx listens on
# ADDRESS:PORT (default 127.0.0.1:8501; use 0.0.0.0 so that a classroom can reach it) and sends
# each browser to one process for the whole lesson. Ctrl-C stops everything. Needs nginx
# (apt-get install -y nginx). Optional environment: CLUSTER_DIR (where the generated nginx.conf,
# logs and pid files go; default a new temporary directory, removed on exit) and CLUSTER_APP
# (the script to serve, default app.py).
set -euo pipefail

N="${1:-$(nproc)}"
PORT="${2:-8501}"
ADDRESS="${3:-127.0.0.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APP="${CLUSTER_APP:-app.py}"
PYTHON="${PYTHON:-python3}"

if ! [[ "$N" =~ ^[1-9][0-9]*$ ]] || ((N > 32)); then
  echo "N must be a number of processes from 1 to 32, not '$N'" >&2
  exit 2
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [[ ! -x "$NGINX" ]]; then
  echo "nginx is not installed: apt-get install -y nginx" >&2
  exit 1
fi

if [[ -n "${CLUSTER_DIR:-}" ]]; then
  DIR="$CLUSTER_DIR"
  mkdir -p "$DIR"
  OWN_DIR=0
else
  DIR="$(mktemp -d -t quantviz-cluster.XXXXXX)"
  OWN_DIR=1
fi
# nginx's workers drop root privileges and must reach their temporary directories in here.
chmod 755 "$DIR"

PIDS=()
NGINX_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [[ -n "$NGINX_PID" ]]; then kill -QUIT "$NGINX_PID" 2>/dev/null || true; fi
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((OWN_DIR)); then rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free loopback ports for the processes.
mapfile -t PORTS < <("$PYTHON" - "$N" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
)

SERVERS=""
for i in "${!PORTS[@]}"; do
  p="${PORTS[$i]}"
  # A lesson never needs hot reloading: no file watcher per session.
  (cd "$ROOT" && exec "$PYTHON" -m streamlit run "$APP" --server.port="$p" \
    --server.address=127.0.0.1 --server.headless=true --server.fileWatcherType=none) \
    >"$DIR/streamlit-$i.log" 2>&1 &
  PIDS+=("$!")
  SERVERS+="        server 127.0.0.1:$p max_fails=0;"$'\n'
done

"$PYTHON" - "${PORTS[@]}" <<'EOF'
import sys, time, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for port in sys.argv[1:]:
    deadline = time.monotonic() + 90
    while True:
        try:
            with opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"streamlit on port {port} did not start")
        time.sleep(0.25)
EOF

MAX_BODY_MB="$(cd "$ROOT" && "$PYTHON" -c \
  'from streamlit import config; print(int(config.get_option("server.maxUploadSize")) + 1)')"
sed -e "s|@DIR@|$DIR|g" -e "s|@PORT@|$PORT|g" -e "s|@ADDRESS@|$ADDRESS|g" \
    -e "s|@MAX_BODY_MB@|$MAX_BODY_MB|g" "$ROOT/scripts/nginx.conf.template" |
  awk -v servers="$SERVERS" '{ if ($0 == "@SERVERS@") printf "%s", servers; else print }' \
  >"$DIR/nginx.conf"
"$NGINX" -t -q -e "$DIR/error.log" -p "$DIR" -c "$DIR/nginx.conf"
"$NGINX" -e "$DIR/error.log" -p "$DIR" -c "$DIR/nginx.conf" &
NGINX_PID="$!"
echo "${PIDS[*]}" >"$DIR/streamlit.pids"

echo "quantviz: http://$ADDRESS:$PORT/ ($N streamlit processes behind nginx; Ctrl-C stops)"
# Stop everything as soon as one process ends: a half-served class is worse than a clear stop.
wait -n
echo "a process of the cluster stopped; shutting down" >&2
exit 1
