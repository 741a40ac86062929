# Shared by the local-cluster scripts (sourced, not run). Paths, ports, the Java helper, process handling.
# shellcheck shell=bash
set -euo pipefail

LC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$LC_DIR")"
VERSION=0.1.0-SNAPSHOT
# Everything the running cluster writes (data, logs, pid files, checkpoints, savepoints) lives here.
CLUSTER_HOME="${WARDSTREAM_CLUSTER_HOME:-$LC_DIR/target/cluster}"
LIB_DIR="$LC_DIR/target/lib"
TOOLS_JAR="$LC_DIR/tools/target/wardstream-local-cluster-tools-$VERSION.jar"
TOOLS_CP="$LC_DIR/tools/target/tools.classpath"
JVM_OPTIONS="$LC_DIR/tools/target/jvm.options"
JOB_JAR="${WARDSTREAM_JOB_JAR:-$REPO_DIR/jobs/target/wardstream-jobs-$VERSION-flink-job.jar}"
DETECTION_CLASS=org.wardstream.jobs.EpisodeDetectionJob
DETECTION_NAME="wardstream episode detection"
EQUITY_CLASS=org.wardstream.equity.job.EquityMetricsJob
PIDS="$CLUSTER_HOME/pids"
LOGS="$CLUSTER_HOME/logs"
# Marks every process this cluster starts, so a pid file is never trusted for a reused pid.
MARKER="-Dwardstream.cluster.home=$CLUSTER_HOME"

# Ports: the running cluster's (written by start), else the environment, else the documented defaults.
if [[ -f "$CLUSTER_HOME/ports.env" ]]; then
  # shellcheck disable=SC1091
  source "$CLUSTER_HOME/ports.env"
fi
KAFKA_PORT="${KAFKA_PORT:-${WARDSTREAM_KAFKA_PORT:-19092}}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-${WARDSTREAM_KAFKA_CONTROLLER_PORT:-19093}}"
FLINK_REST_PORT="${FLINK_REST_PORT:-${WARDSTREAM_FLINK_REST_PORT:-18081}}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-${WARDSTREAM_FLINK_RPC_PORT:-16123}}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-${WARDSTREAM_PROMETHEUS_PORT:-19249}}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$FLINK_REST_PORT"
# A secure cluster (start --secure): the broker accepts SASL_SSL only; TLS files and SCRAM credentials in SECRETS_DIR.
SECURE="${SECURE:-0}"
SECRETS_DIR="$CLUSTER_HOME/secrets"
# Kafka client settings (TLS, SASL) for the jobs, the simulator and the checks; empty = plaintext loopback. A secure
# cluster's own client settings (secrets by reference to a 0600 file) unless WARDSTREAM_KAFKA_PROPERTIES says otherwise.
set_kafka_client_properties() {
  KAFKA_CLIENT_PROPERTIES="${WARDSTREAM_KAFKA_PROPERTIES:-}"
  if [[ -z "$KAFKA_CLIENT_PROPERTIES" && "$SECURE" == 1 ]]; then
    KAFKA_CLIENT_PROPERTIES="$SECRETS_DIR/client.properties"
  fi
}
set_kafka_client_properties

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Builds what is missing (never when WARDSTREAM_NO_BUILD=1, as inside the Maven build): the runtime libraries,
# the helper and the job jar. --force rebuilds the job jar (after a code or rule change).
BUILD_MODULES=jobs,local-cluster/flink-lib,local-cluster/kafka-lib,local-cluster/tools
ensure_built() {
  local force="${1:-}"
  if [[ "$force" == "--force" || ! -f "$TOOLS_JAR" || ! -f "$TOOLS_CP" || ! -f "$JOB_JAR" \
        || ! -d "$LIB_DIR/flink" || ! -d "$LIB_DIR/kafka" ]]; then
    [[ "${WARDSTREAM_NO_BUILD:-0}" == 1 ]] && die "not built (WARDSTREAM_NO_BUILD=1): run ./mvnw -DskipTests -pl $BUILD_MODULES -am package"
    say "building the job jar, the runtime libraries and the helper (a few minutes the first time)..."
    (cd "$REPO_DIR" && ./mvnw -q -B -Dmaven.test.skip=true -pl "$BUILD_MODULES" -am package) >&2 \
      || die "the build failed; run './mvnw -B -DskipTests -pl $BUILD_MODULES -am package' to see why"
  else
    warn_if_stale
  fi
}

# The built jars are used as they are (a running cluster is upgraded only when asked), but one older than the sources
# or rules it is built from is named, so an edited rule or a pulled change is not taken as deployed.
warn_if_stale() {
  local m newer job=(pom.xml alert-rules) tools=(pom.xml local-cluster/tools/pom.xml local-cluster/tools/src/main)
  for m in schemas clinical alerting equity jobs; do job+=("$m/pom.xml" "$m/src/main"); done # the job jar's modules
  if [[ "$JOB_JAR" == "$REPO_DIR/jobs/target/"* ]]; then
    newer="$(cd "$REPO_DIR" && find "${job[@]}" -type f -newer "$JOB_JAR" 2>/dev/null | head -n 1)"
    [[ -z "$newer" ]] || say "WARNING: the job jar is older than $newer: 'local-cluster/submit --build' (or" \
      "'upgrade --build') rebuilds it; without it the old jar is used"
  fi
  newer="$(cd "$REPO_DIR" && find "${tools[@]}" -type f -newer "$TOOLS_JAR" 2>/dev/null | head -n 1)"
  [[ -z "$newer" ]] || say "WARNING: the local-cluster helper is older than $newer (topic plan, checks):" \
    "'./mvnw -DskipTests -pl $BUILD_MODULES -am package' rebuilds it"
}

# The Java helper (org.wardstream.localcluster.ClusterTool).
tool() {
  java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$TOOLS_JAR:$(cat "$TOOLS_CP")" \
    org.wardstream.localcluster.ClusterTool "$@"
}

kafka_opts() {
  if [[ -n "$KAFKA_CLIENT_PROPERTIES" ]]; then
    printf '%s\n' --bootstrap-servers "$BOOTSTRAP" --kafka-properties "$KAFKA_CLIENT_PROPERTIES"
  else
    printf '%s\n' --bootstrap-servers "$BOOTSTRAP"
  fi
}

# pid of a process this cluster started (name: kafka, jobmanager, taskmanager-1, ...), if it is alive.
pid_of() {
  local f="$PIDS/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -F -- "$MARKER " > /dev/null || return 1
  echo "$pid"
}

is_running() { pid_of "$1" >/dev/null 2>&1; }

# Starts a JVM in the background, in its own session (so it outlives this shell), with its pid file and log.
#   start_jvm NAME CLASSPATH MAIN_CLASS [JVM options...] -- [program arguments...]
start_jvm() {
  local name="$1" cp="$2" main="$3"; shift 3
  local jvm=() args=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do jvm+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  args=("$@")
  mkdir -p "$PIDS" "$LOGS"
  setsid nohup java "$MARKER" -Dlog.file="$LOGS/$name.log" -Dlog4j.configurationFile="$LC_DIR/conf/log4j.properties" \
    "${jvm[@]}" -cp "$cp" "$main" "${args[@]}" > "$LOGS/$name.out" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

# Stops a process: SIGTERM, then SIGKILL after a grace period. Removes its pid file.
stop_process() {
  local name="$1" grace="${2:-30}" pid i
  if pid="$(pid_of "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2  # waiting for a process to exit: there is no event to wait on from bash
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop within ${grace}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

# The job ids of running jobs with a given name.
running_jobs_named() {
  tool flink-jobs --rest "$REST" --running --name "$1" | cut -f1
}

jar_has_class() {
  local jar="$1" cls="${2//.//}.class"
  jar tf "$jar" | grep -x "$cls" > /dev/null
}

need_help() {
  local usage="$1"; shift
  for a in "$@"; do
    if [[ "$a" == "-h" || "$a" == "--help" ]]; then
      printf '%s\n' "$usage"; exit 0
    fi
  done
}

JOBS_DIR="$CLUSTER_HOME/jobs"

entry_class_of() { # detection | equity
  case "$1" in
    detection) echo "$DETECTION_CLASS" ;;
    equity) echo "$EQUITY_CLASS" ;;
    *) die "unknown job kind '$1' (detection or equity)" ;;
  esac
}

# The recorded job id of a kind, if that job is still running (not in a terminal state).
running_job_id() {
  local f="$JOBS_DIR/$1.id" id
  [[ -f "$f" ]] || return 1
  id="$(cat "$f")"
  tool flink-jobs --rest "$REST" --running | cut -f1 | grep -x "$id" > /dev/null || return 1
  echo "$id"
}

# Submits a job the way 'flink run' does: a client JVM (Flink's CliFrontend, from the same libraries as the cluster)
# runs the entry class to build the job graph and sends it with the jar to the REST endpoint POST /jobs. The web
# UI's jar upload API (/jars) is switched off (web.submit.enable: false in conf/config.yaml). Prints the job id.
#   flink_run JAR ENTRY_CLASS PARALLELISM SAVEPOINT(or "") ALLOW_NON_RESTORED(0|1) ARGS...
flink_run() {
  local jar="$1" cls="$2" parallelism="$3" savepoint="$4" allow="$5"; shift 5
  local opts=(-d -p "$parallelism" -c "$cls") out id add_opens
  [[ -n "$savepoint" ]] && opts+=(-s "$savepoint")
  [[ "$allow" == 1 ]] && opts+=(--allowNonRestoredState)
  read -r -a add_opens < "$JVM_OPTIONS"
  out="$(FLINK_CONF_DIR="$CLUSTER_HOME/flink/conf" java "$MARKER" -Xmx512m -XX:+UseSerialGC "${add_opens[@]}"         -Dlog.file="$LOGS/flink-client.log" -Dlog4j.configurationFile="$LC_DIR/conf/log4j.properties"         -cp "$LIB_DIR/flink/*" org.apache.flink.client.cli.CliFrontend run -m "127.0.0.1:$FLINK_REST_PORT"         "${opts[@]}" "$jar" "$@" 2>&1)" || { client_failure "$out"; return 1; }
  id="$(sed -n 's/.*Job has been submitted with JobID \([0-9a-f]\{32\}\).*/\1/p' <<< "$out" | head -n 1)"
  [[ -n "$id" ]] || { client_failure "$out"; return 1; }
  echo "$id"
}

# What Flink's client said when a submission failed, without the Java stack frames (the reason is in the exception
# lines; the whole output is in $LOGS/flink-client.log).
client_failure() {
  printf '%s\n' "$1" | grep -v -E '^[[:space:]]+(at |\.\.\. [0-9]+ more)' | grep -v -E '^-*$' | tail -n 12 >&2
}

# Submits one job and records its id, parallelism, jar and arguments (upgrade, rescale, replay and a later submit
# run the recorded jar and arguments unless told otherwise).
#   submit_job KIND JAR PARALLELISM SAVEPOINT(or "") ARGS...
submit_job() {
  local kind="$1" jar="$2" parallelism="$3" savepoint="$4"; shift 4
  local cls id
  cls="$(entry_class_of "$kind")"
  mkdir -p "$JOBS_DIR"
  id="$(flink_run "$jar" "$cls" "$parallelism" "$savepoint" 0 "$@")" || die "submitting the $kind job failed"
  record_job "$kind" "$id" "$parallelism" "$jar" "$@"
  record_start "$kind" "$savepoint"
  echo "$id"
}

#   record_job KIND ID PARALLELISM JAR ARGS...
record_job() {
  local kind="$1" id="$2" parallelism="$3" jar="$4"; shift 4
  echo "$id" > "$JOBS_DIR/$kind.id"
  echo "$parallelism" > "$JOBS_DIR/$kind.parallelism"
  (cd "$(dirname "$jar")" && echo "$(pwd)/$(basename "$jar")") > "$JOBS_DIR/$kind.jar"
  printf '%s\n' "$@" > "$JOBS_DIR/$kind.args"
  rm -f "$JOBS_DIR/$kind.resume" # a stop's savepoint is for the next submission only
}

# Notes the savepoint or checkpoint a job was submitted from (none: removed). Until the job completes a checkpoint of
# its own that is its state: a job cancelled or crashed before its first checkpoint resumes from it (probe 22a).
#   record_start KIND SAVEPOINT(or "")
record_start() {
  if [[ -n "$2" ]]; then echo "$2" > "$JOBS_DIR/$1.from"; else rm -f "$JOBS_DIR/$1.from"; fi
}

# The jar the job of a kind was last submitted with, if it still exists; else the default job jar.
recorded_jar() {
  local f="$JOBS_DIR/$1.jar"
  if [[ -f "$f" && -f "$(cat "$f")" ]]; then cat "$f"; else echo "$JOB_JAR"; fi
}

# The --rules directory the detection job was last submitted with (empty: the rules packaged in the jar).
recorded_rules() {
  local f="$JOBS_DIR/detection.args"
  [[ -f "$f" ]] && sed -n '/^--rules$/{n;p;}' "$f" | tail -n 1
  return 0
}

# The state a job of a kind resumes from when submitted without --savepoint: the savepoint stop took of it, else
# the newest retained checkpoint of the job last recorded for the kind (a crash, a cancel). Empty: none.
# For the detection job the broker is asked first whether that checkpoint's alert transactions still commit (probe
# 22a): after an outage longer than the sinks' transaction timeout (10 min) following a checkpoint whose commit had
# not happened yet, the broker has aborted them, and a restore from it would lose those alerts for good. Then the
# retained checkpoint before it is taken (its input is processed again; those alerts come again with the same ids).
resume_point() {
  local kind="$1" id dir ckpts=() i n out rc
  if [[ -f "$JOBS_DIR/$kind.resume" ]]; then cat "$JOBS_DIR/$kind.resume"; return 0; fi
  [[ -f "$JOBS_DIR/$kind.id" ]] || return 0
  id="$(cat "$JOBS_DIR/$kind.id")"
  dir="$CLUSTER_HOME/flink/checkpoints/$id"
  mapfile -t ckpts < <(find "$dir" -mindepth 2 -maxdepth 2 -name _metadata -path '*/chk-*' 2>/dev/null \
          | sed -E 's#.*/chk-([0-9]+)/_metadata$#\1#' | sort -n)
  if [[ ${#ckpts[@]} == 0 ]]; then
    # cancelled or crashed before its first checkpoint: it committed nothing, its state is where it started from
    # (probe 22a: submit started it without state, forgetting every open alert)
    if [[ -f "$JOBS_DIR/$kind.from" ]]; then
      say "the $kind job $id completed no checkpoint: resuming from the state it was started from"
      cat "$JOBS_DIR/$kind.from"
    fi
    return 0
  fi
  if [[ "$kind" != detection ]]; then echo "file://$dir/chk-${ckpts[-1]}"; return 0; fi
  for ((i = ${#ckpts[@]} - 1; i >= 0; i--)); do
    n="${ckpts[$i]}"
    rc=0
    # the sinks' transactional-id prefix as the recorded jar's own PipelineConfig sets it (ops23: a copy of the
    # default here went stale when a site changed it, and every resume went unchecked)
    out="$(tool checkpoint-transactions $(kafka_opts) --jar "$(recorded_jar detection)" --checkpoint "$n" 2>&1)" || rc=$?
    if [[ $rc == 0 ]]; then echo "file://$dir/chk-$n"; return 0; fi
    if [[ $rc != 3 ]]; then
      say "WARNING: could not ask the broker whether checkpoint $n's Kafka transactions still commit: resuming from it"
      say "  ($(tail -n 1 <<< "$out")); if the job was down longer than the transaction timeout, see RUNBOOK, the 10-minute trap"
      echo "file://$dir/chk-$n"; return 0
    fi
    say "WARNING: the broker aborted the Kafka transactions of checkpoint $n (the job was down longer than their"
    say "  timeout after it completed, before they were committed); resuming from it would lose their alerts:"
    while read -r line; do [[ "$line" == aborted* ]] && say "    $line"; done <<< "$out"
    if [[ $i == 0 ]]; then
      say "  no retained checkpoint before it: resuming from chk-$n anyway; those alerts are LOST: replay from"
      say "  before the outage (RUNBOOK, 'Replay from a point in time')"
      echo "file://$dir/chk-$n"; return 0
    fi
    say "  resuming from the checkpoint before it, chk-${ckpts[$((i - 1))]}: the input since then is processed again"
    say "  and those alerts are produced again (same ids)"
  done
  return 0
}

# The program arguments of a job kind: the cluster's Kafka, its client properties, the rules directory.
job_args() { # KIND [RULES_DIR]
  local kind="$1" rules="${2:-}"
  printf '%s\n' --bootstrap-servers "$BOOTSTRAP"
  [[ -n "$KAFKA_CLIENT_PROPERTIES" ]] && printf '%s\n' --kafka-properties "$KAFKA_CLIENT_PROPERTIES"
  if [[ "$kind" == detection && -n "$rules" ]]; then printf '%s\n' --rules "$rules"; fi
  return 0
}
