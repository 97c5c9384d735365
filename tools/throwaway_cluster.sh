# Sourced by tools/demo.sh and bench/e2e.sh: start_throwaway_cluster PREFIX PORT [SERVER_OPTS]
# initdb's a cluster in a fresh /tmp/PREFIX-XXXXXX directory (as the postgres account when run
# as root, since initdb refuses root), starts it listening on a Unix socket only, exports
# PGHOST/PGPORT/PGUSER for it, and stops and deletes it when the calling script exits.
start_throwaway_cluster() {
  local prefix=$1 port=$2 opts=${3:-}
  cluster_bindir=$(pg_config --bindir)
  cluster_dir=$(mktemp -d "/tmp/$prefix-XXXXXX")
  trap stop_throwaway_cluster EXIT
  [[ $(id -u) -eq 0 ]] && chown postgres "$cluster_dir"
  as_server_user "$cluster_bindir/initdb" -D "$cluster_dir/data" -U postgres -A trust -E UTF8 \
    --no-sync >/dev/null
  as_server_user "$cluster_bindir/pg_ctl" -w -D "$cluster_dir/data" -l "$cluster_dir/server.log" \
    -o "-c listen_addresses='' -k $cluster_dir -p $port $opts" start >/dev/null
  export PGHOST=$cluster_dir PGPORT=$port PGUSER=postgres
}

as_server_user() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_throwaway_cluster() {
  as_server_user "$cluster_bindir/pg_ctl" -D "$cluster_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$cluster_dir"
}
