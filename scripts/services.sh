# services.sh -- start the real backing services Tailor's tests need (PostgreSQL, an SMTP sink, RabbitMQ) from
# Debian 12 packages, without systemd, bound to 127.0.0.1 on non-default ports, data under $SVC_ROOT.
# Project copy of shared/scripts/services.sh, trimmed to what Tailor uses.
#
#   . scripts/services.sh
#   start_postgres && start_smtp_sink
#   trap stop_services EXIT
#
# Every start_* is idempotent (a second call re-checks readiness and re-exports the variables), installs its
# package only if missing, waits at most $SVC_WAIT_SECS for readiness, and returns non-zero (printing the log
# tail) on failure. Connection details are exported and appended to $SVC_ROOT/services.env.
# Needs root (apt-get, runuser). reset_services wipes all data.

: "${SVC_ROOT:=${TMPDIR:-/tmp}/ci-services}"
: "${SVC_WAIT_SECS:=60}"
: "${PG_PORT:=55432}" "${PG_USER:=app}" "${PG_PASSWORD:=app_pw}" "${PG_DB:=appdb}"
: "${SMTP_PORT:=52525}" "${SMTP_SINK_IMPL:=exim}"          # exim | postfix
: "${RMQ_PORT:=55672}" "${RMQ_STREAM_PORT:=55552}" "${RMQ_DIST_PORT:=55682}" "${RMQ_EPMD_PORT:=54369}"   # start_rabbitmq
: "${RMQ_USER:=app}" "${RMQ_PASSWORD:=app_pw}"
: "${SMTP_AUTH_PORT:=52526}" "${SMTP_AUTH_USER:=tailor}" "${SMTP_AUTH_PASSWORD:=sink_pw}"   # start_smtp_auth_sink

_svc_log() { echo "[services] $*" >&2; }
_svc_now() { date +%s.%N; }
_svc_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}'; }

_svc_export() {   # _svc_export NAME VALUE : export + record in services.env
  export "$1=$2"
  mkdir -p "$SVC_ROOT"
  printf 'export %s=%q\n' "$1" "$2" >> "$SVC_ROOT/services.env"
}

_svc_install() {  # install missing Debian packages (apt-get update once per SVC_ROOT)
  local p missing=() rc=0 added=
  for p in "$@"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"ok installed" ]] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { _svc_log "need root to install ${missing[*]}"; return 1; }
  mkdir -p "$SVC_ROOT"
  local t0; t0=$(_svc_now)
  # never let package scripts start services on default ports
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; added=1; fi
  if [ ! -e "$SVC_ROOT/.apt-updated" ]; then
    apt-get update -qq >> "$SVC_ROOT/apt.log" 2>&1 && touch "$SVC_ROOT/.apt-updated" || rc=$?
  fi
  [ $rc = 0 ] && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >> "$SVC_ROOT/apt.log" 2>&1 || rc=$?; }
  [ -n "$added" ] && rm -f /usr/sbin/policy-rc.d
  if [ $rc != 0 ]; then _svc_log "apt-get failed ($rc):"; tail -20 "$SVC_ROOT/apt.log" >&2; return $rc; fi
  _svc_log "installed ${missing[*]} in $(_svc_since "$t0")"
}

_svc_as() {       # _svc_as USER CMD... : run as USER when we are root
  local u=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u "$u" -- "$@"; else "$@"; fi
}

_svc_wait() {     # _svc_wait NAME LOGFILE CMD... : retry CMD until it succeeds or SVC_WAIT_SECS pass
  local name=$1 log=$2; shift 2
  local deadline=$(( $(date +%s) + SVC_WAIT_SECS ))   # each check itself is capped at 2s
  until "$@" >/dev/null 2>&1; do
    if [ $(( $(date +%s) + 2 )) -gt "$deadline" ]; then
      _svc_log "$name not ready after ${SVC_WAIT_SECS}s; last lines of $log:"
      tail -20 "$log" >&2 2>/dev/null
      return 1
    fi
    sleep 0.2
  done
}

_svc_port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

_svc_pid_alive() {  # _svc_pid_alive PIDFILE : running and not a zombie
  local pid=; read -r pid 2>/dev/null < "$1" || [ -n "$pid" ] || return 1   # postfix pads with spaces
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  local st; st=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null) || true
  [ -n "$st" ] && [ "$st" != Z ]
}

_svc_kill_wait() {  # _svc_kill_wait PIDFILE : SIGTERM, wait up to 30s, then SIGKILL
  local pid= i; _svc_pid_alive "$1" || return 0
  read -r pid < "$1" || true
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 150); do _svc_pid_alive "$1" || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true; return 0
}

# ---------------------------------------------------------------- PostgreSQL
_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
_pg_ready() { timeout 2 "$(_pg_bin)/pg_isready" -q -t 2 -h 127.0.0.1 -p "$PG_PORT"; }

start_postgres() {
  _svc_install postgresql || return 1
  local d="$SVC_ROOT/postgres" bin t0; bin=$(_pg_bin); t0=$(_svc_now)
  mkdir -p "$d"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$d"
  if ! _pg_ready; then
    if [ ! -s "$d/data/PG_VERSION" ]; then
      _svc_as postgres "$bin/initdb" -D "$d/data" -U postgres -A trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 -N > "$d/initdb.log" 2>&1 \
        || { _svc_log "initdb failed:"; tail -20 "$d/initdb.log" >&2; return 1; }
    fi
    _svc_as postgres "$bin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t "$SVC_WAIT_SECS" \
      -o "-p $PG_PORT -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start > /dev/null || { _svc_log "pg_ctl start failed:"; tail -20 "$d/server.log" >&2; return 1; }
    _svc_wait postgres "$d/server.log" _pg_ready || return 1
  fi
  # role + database (idempotent; local socket is 'trust' for the postgres superuser)
  psql -X -q -v ON_ERROR_STOP=1 -h "$d" -p "$PG_PORT" -U postgres -d postgres \
       -v u="$PG_USER" -v p="$PG_PASSWORD" -v db="$PG_DB" > "$d/setup.log" 2>&1 <<'SQL' || { _svc_log "role/db setup failed:"; cat "$d/setup.log" >&2; return 1; }
SELECT format('CREATE ROLE %I LOGIN', :'u') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u')\gexec
ALTER ROLE :"u" WITH LOGIN CREATEDB PASSWORD :'p';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
  _svc_export PG_HOST 127.0.0.1; _svc_export PG_PORT "$PG_PORT"
  _svc_export PG_USER "$PG_USER"; _svc_export PG_PASSWORD "$PG_PASSWORD"; _svc_export PG_DB "$PG_DB"
  _svc_export POSTGRES_URL "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
  _svc_export POSTGRES_CONNECTION_STRING "Host=127.0.0.1;Port=$PG_PORT;Database=$PG_DB;Username=$PG_USER;Password=$PG_PASSWORD"
  _svc_log "postgres ready on 127.0.0.1:$PG_PORT ($(_svc_since "$t0"))"
}

stop_postgres() {
  local d="$SVC_ROOT/postgres"
  [ -f "$d/data/postmaster.pid" ] || return 0
  _svc_as postgres "$(_pg_bin)/pg_ctl" -D "$d/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
  return 0
}

# ---------------------------------------------------------------- RabbitMQ (3.10 from Debian)
# The broker between Tailor nodes (docs/scale.md): AMQP on 127.0.0.1:$RMQ_PORT with the stream and consistent-hash
# exchange plugins. Runs as the calling user with HOME=$d (the Erlang cookie lives there); every port on 127.0.0.1,
# its own epmd port and node name, so it never meets a broker started elsewhere on the machine.
_rmq_envfile() {
  local d="$SVC_ROOT/rabbitmq"
  cat > "$d/instance.env" <<EOF
unset RABBITMQ_URL RABBITMQ_STREAM_URL RABBITMQ_HOST RABBITMQ_AMQP_PORT RABBITMQ_STREAM_PORT RABBITMQ_USER RABBITMQ_PASSWORD
export HOME='$d' RABBITMQ_NODENAME=rabbit_tailor_$RMQ_PORT@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$RMQ_PORT RABBITMQ_DIST_PORT=$RMQ_DIST_PORT
export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$RMQ_EPMD_PORT
export RABBITMQ_CONFIG_FILE='$d/rabbitmq.conf' RABBITMQ_ENABLED_PLUGINS_FILE='$d/enabled_plugins'
export RABBITMQ_CONF_ENV_FILE='$d/rabbitmq-env.conf' RABBITMQ_MNESIA_BASE='$d/mnesia'
export RABBITMQ_LOG_BASE='$d/log' RABBITMQ_PID_FILE='$d/rabbit.pid'
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
EOF
}

_rmq() {          # _rmq [TIMEOUT] SCRIPT ARGS... : run /usr/lib/rabbitmq/bin/SCRIPT with this instance's environment
  local t=0; [[ $1 =~ ^[0-9]+$ ]] && { t=$1; shift; }
  timeout "$t" bash -c '. "$0"; exec /usr/lib/rabbitmq/bin/"$@"' "$SVC_ROOT/rabbitmq/instance.env" "$@"
}

start_rabbitmq() {
  _svc_install rabbitmq-server || return 1
  local d="$SVC_ROOT/rabbitmq" t0; t0=$(_svc_now)
  mkdir -p "$d"; _rmq_envfile
  if _svc_pid_alive "$d/rabbit.pid"; then   # already started: only wait for its boot to finish
    _rmq "$SVC_WAIT_SECS" rabbitmqctl -q await_startup --timeout "$SVC_WAIT_SECS" > /dev/null || return 1
  else
    : > "$d/rabbitmq-env.conf"   # keeps /etc/rabbitmq/rabbitmq-env.conf out of it
    cat > "$d/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$RMQ_PORT
stream.listeners.tcp.1 = 127.0.0.1:$RMQ_STREAM_PORT
stream.advertised_host = 127.0.0.1
stream.advertised_port = $RMQ_STREAM_PORT
default_user = $RMQ_USER
default_pass = $RMQ_PASSWORD
loopback_users = none
log.console = false
log.file.level = info
EOF
    # plugins are enabled offline (writes $d/enabled_plugins; no running node needed)
    _rmq 60 rabbitmq-plugins -q --offline enable rabbitmq_stream rabbitmq_consistent_hash_exchange > "$d/plugins.log" 2>&1 \
      || { _svc_log "rabbitmq-plugins failed:"; cat "$d/plugins.log" >&2; return 1; }
    rm -f "$d/rabbit.pid"
    setsid bash -c '. "$0"; exec /usr/lib/rabbitmq/bin/rabbitmq-server' "$d/instance.env" \
      > "$d/stdout.log" 2>&1 < /dev/null &
    # 'wait' returns once the pid file exists and the broker (plugins included) has booted
    _rmq "$SVC_WAIT_SECS" rabbitmqctl -q wait --timeout "$SVC_WAIT_SECS" "$d/rabbit.pid" > "$d/wait.log" 2>&1 \
      || { _svc_log "rabbitmq not ready after ${SVC_WAIT_SECS}s:"; tail -n 20 "$d/stdout.log" "$d/wait.log" >&2; return 1; }
  fi
  _svc_export RABBITMQ_URL "amqp://$RMQ_USER:$RMQ_PASSWORD@127.0.0.1:$RMQ_PORT/%2F"
  _svc_export RABBITMQ_STREAM_URL "rabbitmq-stream://$RMQ_USER:$RMQ_PASSWORD@127.0.0.1:$RMQ_STREAM_PORT/%2F"
  _svc_export RABBITMQ_HOST 127.0.0.1; _svc_export RABBITMQ_AMQP_PORT "$RMQ_PORT"
  _svc_export RABBITMQ_STREAM_PORT "$RMQ_STREAM_PORT"
  _svc_export RABBITMQ_USER "$RMQ_USER"; _svc_export RABBITMQ_PASSWORD "$RMQ_PASSWORD"
  _svc_log "rabbitmq ready on 127.0.0.1:$RMQ_PORT, stream $RMQ_STREAM_PORT ($(_svc_since "$t0"))"
}

stop_rabbitmq() {
  local d="$SVC_ROOT/rabbitmq"
  [ -f "$d/instance.env" ] || return 0
  if _svc_pid_alive "$d/rabbit.pid"; then
    _rmq 60 rabbitmqctl -q shutdown > /dev/null 2>&1 || _svc_kill_wait "$d/rabbit.pid"
  fi
  epmd -port "$RMQ_EPMD_PORT" -kill > /dev/null 2>&1 || true   # this epmd was started by the broker
  return 0
}

# ---------------------------------------------------------------- SMTP sink
# Accepts any sender/recipient on 127.0.0.1:$SMTP_PORT and stores every message
# as one file in $SMTP_SINK_MAILDIR/new/ (Maildir). No STARTTLS, no relaying.
_smtp_ready() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT; IFS= read -r l <&3; printf 'QUIT\r\n' >&3; [[ \$l == 220* ]]" 2>/dev/null
}

start_smtp_sink() {
  local d="$SVC_ROOT/smtp" t0
  case "$SMTP_SINK_IMPL" in
    exim)    _svc_install exim4-daemon-light || return 1 ;;
    postfix) _svc_install postfix || return 1 ;;
    *) _svc_log "SMTP_SINK_IMPL must be exim or postfix"; return 1 ;;
  esac
  t0=$(_svc_now); mkdir -p "$d"
  if ! _smtp_ready; then
    if [ "$SMTP_SINK_IMPL" = exim ]; then
      # Exim with a private config: -C makes it drop root and run as Debian-exim.
      mkdir -p "$d/spool" "$d/log" "$d/Maildir"
      chown -R Debian-exim:Debian-exim "$d/spool" "$d/log" "$d/Maildir"
      rm -f "$d/exim.conf"    # exim insists on a root-owned config file
      cat > "$d/exim.conf" <<EOF
primary_hostname = ci-smtp-sink.localdomain
daemon_smtp_ports = $SMTP_PORT
local_interfaces = 127.0.0.1
spool_directory = $d/spool
log_file_path = $d/log/%slog
pid_file_path = $d/exim.pid
tls_advertise_hosts =
host_lookup =
smtp_accept_max = 200
smtp_accept_queue_per_connection = 0
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept hosts = 127.0.0.1
  deny
begin routers
catchall:
  driver = accept
  transport = to_maildir
begin transports
to_maildir:
  driver = appendfile
  directory = $d/Maildir
  maildir_format
  create_directory
  mode = 0644
  directory_mode = 0755
  user = Debian-exim
  delivery_date_add
  envelope_to_add
  return_path_add
EOF
      chown root:root "$d/exim.conf"; chmod 0644 "$d/exim.conf"
      exim4 -C "$d/exim.conf" -bd -q10s \
        || { _svc_log "exim failed to start:"; tail -20 "$d/log/paniclog" >&2 2>/dev/null; return 1; }
      _svc_wait smtp-sink "$d/log/mainlog" _smtp_ready || return 1
    else
      # Postfix as a private instance (postfix -c DIR); all mail goes to one Maildir.
      mkdir -p "$d/etc" "$d/spool" "$d/data" "$d/Maildir"
      chown postfix "$d/data"; chown nobody:nogroup "$d/Maildir"
      cp /etc/postfix/master.cf "$d/etc/master.cf"
      cat > "$d/etc/main.cf" <<EOF
compatibility_level = 3.6
meta_directory = /etc/postfix
queue_directory = $d/spool
data_directory = $d/data
maillog_file_prefixes = $d
maillog_file = $d/maillog
myhostname = ci-smtp-sink.localdomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
relayhost =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_tls_security_level = none
biff = no
virtual_mailbox_domains = static:all
virtual_mailbox_base = $d
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
EOF
      postconf -c "$d/etc" -MX smtp/inet
      postconf -c "$d/etc" -M "127.0.0.1:$SMTP_PORT/inet = 127.0.0.1:$SMTP_PORT inet n - n - - smtpd"
      postconf -c "$d/etc" -F '*/*/chroot = n'
      postfix -c "$d/etc" start > "$d/start.log" 2>&1 || { cat "$d/start.log" "$d/maillog" >&2 2>/dev/null; return 1; }
      _svc_wait smtp-sink "$d/maillog" _smtp_ready || return 1
    fi
  fi
  _svc_export SMTP_HOST 127.0.0.1; _svc_export SMTP_PORT "$SMTP_PORT"
  _svc_export SMTP_URL "smtp://127.0.0.1:$SMTP_PORT"
  _svc_export SMTP_SINK_MAILDIR "$d/Maildir"
  _svc_log "smtp sink ($SMTP_SINK_IMPL) ready on 127.0.0.1:$SMTP_PORT -> $d/Maildir/new ($(_svc_since "$t0"))"
}

stop_smtp_sink() {
  local d="$SVC_ROOT/smtp"
  if [ -f "$d/etc/main.cf" ] && _svc_pid_alive "$d/spool/pid/master.pid"; then
    postfix -c "$d/etc" stop > /dev/null 2>&1 || true
    _svc_kill_wait "$d/spool/pid/master.pid"
  fi
  _svc_kill_wait "$d/exim.pid"; return 0
}

# ---------------------------------------------------------------- SMTP sink with AUTH and STARTTLS
# A second exim on 127.0.0.1:$SMTP_AUTH_PORT that offers STARTTLS (a self-signed certificate for 127.0.0.1 and
# localhost, exported as SMTP_AUTH_CA so a client can trust it), offers AUTH PLAIN/LOGIN only inside TLS, and accepts
# mail only from a client that authenticated as $SMTP_AUTH_USER / $SMTP_AUTH_PASSWORD. Messages go to the same
# Maildir as start_smtp_sink's ($SMTP_SINK_MAILDIR when set). Exim only (SMTP_SINK_IMPL is not consulted).
_smtp_auth_ready() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP_AUTH_PORT; IFS= read -r l <&3; printf 'QUIT\r\n' >&3; [[ \$l == 220* ]]" 2>/dev/null
}

start_smtp_auth_sink() {
  local d="$SVC_ROOT/smtp-auth" maildir t0
  _svc_install exim4-daemon-light openssl || return 1
  t0=$(_svc_now); maildir="${SMTP_SINK_MAILDIR:-$SVC_ROOT/smtp/Maildir}"
  if ! _smtp_auth_ready; then
    mkdir -p "$d/spool" "$d/log" "$maildir"
    if [ ! -s "$d/cert.pem" ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 3650 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" > "$d/openssl.log" 2>&1 \
        || { _svc_log "openssl failed:"; cat "$d/openssl.log" >&2; return 1; }
    fi
    chown -R Debian-exim:Debian-exim "$d/spool" "$d/log" "$maildir" "$d/key.pem"; chmod 0600 "$d/key.pem"; chmod 0644 "$d/cert.pem"
    rm -f "$d/exim.conf"    # exim insists on a root-owned config file
    cat > "$d/exim.conf" <<EOF
primary_hostname = ci-smtp-auth.localdomain
daemon_smtp_ports = $SMTP_AUTH_PORT
local_interfaces = 127.0.0.1
spool_directory = $d/spool
log_file_path = $d/log/%slog
pid_file_path = $d/exim.pid
host_lookup =
tls_advertise_hosts = *
tls_certificate = $d/cert.pem
tls_privatekey = $d/key.pem
smtp_accept_max = 50
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept authenticated = *
  deny message = authentication required
begin routers
catchall:
  driver = accept
  transport = to_maildir
begin transports
to_maildir:
  driver = appendfile
  directory = $maildir
  maildir_format
  create_directory
  mode = 0644
  directory_mode = 0755
  user = Debian-exim
  delivery_date_add
  envelope_to_add
  return_path_add
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{$SMTP_AUTH_USER}}{eq{\$auth3}{$SMTP_AUTH_PASSWORD}}}}
  server_advertise_condition = \${if def:tls_in_cipher}
  server_set_id = \$auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = \${if and {{eq{\$auth1}{$SMTP_AUTH_USER}}{eq{\$auth2}{$SMTP_AUTH_PASSWORD}}}}
  server_advertise_condition = \${if def:tls_in_cipher}
  server_set_id = \$auth1
EOF
    chown root:root "$d/exim.conf"; chmod 0644 "$d/exim.conf"
    exim4 -C "$d/exim.conf" -bd -q10s \
      || { _svc_log "exim (auth) failed to start:"; tail -20 "$d/log/paniclog" >&2 2>/dev/null; return 1; }
    _svc_wait smtp-auth-sink "$d/log/mainlog" _smtp_auth_ready || return 1
  fi
  _svc_export SMTP_AUTH_PORT "$SMTP_AUTH_PORT"; _svc_export SMTP_AUTH_USER "$SMTP_AUTH_USER"
  _svc_export SMTP_AUTH_PASSWORD "$SMTP_AUTH_PASSWORD"; _svc_export SMTP_AUTH_CA "$d/cert.pem"
  _svc_log "smtp sink with AUTH+STARTTLS ready on 127.0.0.1:$SMTP_AUTH_PORT -> $maildir/new ($(_svc_since "$t0"))"
}

stop_smtp_auth_sink() { _svc_kill_wait "$SVC_ROOT/smtp-auth/exim.pid"; return 0; }

# ---------------------------------------------------------------- all
stop_services() {
  stop_rabbitmq; stop_smtp_auth_sink; stop_smtp_sink; stop_postgres
  return 0
}

reset_services() { stop_services; rm -rf "$SVC_ROOT"; }
