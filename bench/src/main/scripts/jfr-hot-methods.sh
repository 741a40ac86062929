#!/usr/bin/env bash
# Top N methods (top frame of each execution sample) and top N wardstream/engine frames anywhere in the stack,
# from a JFR recording of ./wardstream bench:
#   JAVA_OPTS="-Xmx4g -XX:StartFlightRecording=filename=out/bench/bench.jfr,settings=profile" ./wardstream bench ...
#   bench/src/main/scripts/jfr-hot-methods.sh out/bench/bench.jfr [N]
set -euo pipefail
file="$1"; n="${2:-25}"
jfr print --events jdk.ExecutionSample "$file" > "$file.samples.txt"
total=$(grep -c 'jdk.ExecutionSample' "$file.samples.txt" || true)
echo "execution samples: $total"
echo "--- top frames (self time)"
awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' "$file.samples.txt" \
  | sort | uniq -c | sort -rn | head -n "$n"
echo "--- samples with a frame of (inclusive)"
for p in org.wardstream.clinical org.wardstream.rhythm.RrAnalyser org.wardstream.detect.SignalDetector org.wardstream.detect.EpisodeAlerter \
         org.wardstream.ingest org.wardstream.alerting.FhirAlerts org.apache.flink.cep org.apache.kafka \
         com.espertech org.apache.flink.runtime.state org.apache.avro; do
  c=$(awk -v p="$p" '/jdk.ExecutionSample/ {if (hit) c++; hit=0} index($0, p) {hit=1} END {if (hit) c++; print c+0}' "$file.samples.txt")
  echo "$c  $p"
done
