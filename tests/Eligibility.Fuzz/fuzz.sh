#!/usr/bin/env bash
# Fuzzing harness driver (README.md beside this file).
#
#   fuzz.sh TARGET SECONDS [libfuzzer|afl]   build, instrument, seed, fuzz TARGET for SECONDS, triage what it found
#   fuzz.sh build                            only build and instrument (snapshot of the committed HEAD + this folder)
#   fuzz.sh replay TARGET PATH...            run inputs (files or folders) through TARGET once, uninstrumented
#   fuzz.sh minimize TARGET FILE [OUT]       shrink a crashing input with libFuzzer, keeping its crash signature
#
# TARGET: rules | patient | fhir | cases. Outside the repository: the build in $FUZZ_WORK (default /tmp/eligibility-fuzz),
# each target's corpus, findings and logs in $FUZZ_OUT/TARGET (default /tmp/fuzz-out/TARGET).
# Limits per input: $FUZZ_TIMEOUT seconds (default 10), $FUZZ_RSS_MB MiB (default 2048; the .NET process gets it as its
# GC heap hard limit, so going over it is an OutOfMemoryException, i.e. a crash).
# Needs: the .NET SDK; for libfuzzer, clang with libFuzzer (Debian: apt-get install -y clang libclang-rt-14-dev);
# for afl, AFL++ (apt-get install -y afl++). The SharpFuzz instrumentation tool is installed into $FUZZ_WORK/tools.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
work=${FUZZ_WORK:-/tmp/eligibility-fuzz}
out_root=${FUZZ_OUT:-/tmp/fuzz-out}
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
sharpfuzz_version=2.3.0
targets="rules patient fhir cases"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

die() { echo "fuzz.sh: $*" >&2; exit 2; }
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
check_target() { [[ " $targets " == *" $1 "* ]] || die "no target '$1'; use one of: $targets"; }

# The GC heap limit in hex bytes, for DOTNET_GCHeapHardLimit.
heap_limit() { printf '0x%x' $((rss_mb * 1024 * 1024)); }

build() {
  mkdir -p "$work"
  exec 9>"$work/.build.lock"
  flock 9
  # A snapshot of the committed HEAD, so other people's half-made edits in the work tree cannot break the build...
  if [ -d "$work/src/.git" ]; then
    git -C "$work/src" fetch -q "$repo" HEAD
    git -C "$work/src" reset -q --hard FETCH_HEAD
  else
    rm -rf "$work/src"
    git clone -q "$repo" "$work/src"
  fi
  # ...with this folder as it is in the work tree (the harness itself may be uncommitted).
  rm -rf "$work/src/tests/Eligibility.Fuzz"
  mkdir -p "$work/src/tests/Eligibility.Fuzz"
  (cd "$here" && find . -path ./bin -prune -o -path ./obj -prune -o -path ./findings -prune -o -type f -print0 |
    xargs -0 cp --parents -t "$work/src/tests/Eligibility.Fuzz")
  local cli="$work/src/src/Eligibility.Cli/Eligibility.Cli.csproj"
  if ! grep -q 'InternalsVisibleTo Include="Eligibility.Fuzz"' "$cli"; then
    echo "note: the snapshot's Eligibility.Cli.csproj lacks <InternalsVisibleTo Include=\"Eligibility.Fuzz\" />; added in the snapshot only"
    sed -i 's|<InternalsVisibleTo Include="Eligibility.Cli.Tests" />|&<InternalsVisibleTo Include="Eligibility.Fuzz" />|' "$cli"
  fi
  echo "== build (snapshot $(git -C "$work/src" rev-parse --short HEAD))"
  rm -rf "$work/plain" "$work/instrumented"
  dotnet publish "$work/src/tests/Eligibility.Fuzz" -c Release -o "$work/plain" --nologo -v quiet
  echo "== instrument Eligibility.dll, Eligibility.Fhir.dll, Eligibility.Cli.dll (SharpFuzz $sharpfuzz_version)"
  if [ ! -x "$work/tools/sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$work/tools" >/dev/null
  fi
  cp -r "$work/plain" "$work/instrumented"
  for dll in Eligibility.dll Eligibility.Fhir.dll Eligibility.Cli.dll; do
    "$work/tools/sharpfuzz" "$work/instrumented/$dll"
  done
  if command -v clang >/dev/null 2>&1; then
    if [ ! -x "$work/libfuzzer-dotnet" ] || [ "$here/engine/libfuzzer-dotnet.cc" -nt "$work/libfuzzer-dotnet" ]; then
      echo "== compile libfuzzer-dotnet"
      clang -O2 -fsanitize=fuzzer "$here/engine/libfuzzer-dotnet.cc" -o "$work/libfuzzer-dotnet"
    fi
  fi
  flock -u 9
}

# Runs the uninstrumented harness: replay or seed.
harness() { dotnet "$work/plain/Eligibility.Fuzz.dll" "$@"; }

# Kills what a fuzzing engine left behind (the .NET child of libfuzzer-dotnet outlives a timeout).
run_group() {
  setsid "$@" &
  local pid=$!
  local rc=0
  wait "$pid" || rc=$?
  kill -TERM -- "-$pid" 2>/dev/null || true
  return "$rc"
}

fuzz_libfuzzer() {
  local target=$1 seconds=$2 out=$3
  [ -x "$work/libfuzzer-dotnet" ] || die "no libfuzzer-dotnet: install clang and libFuzzer (apt-get install -y clang libclang-rt-14-dev), then rerun"
  local deadline=$((SECONDS + seconds)) segment=0 execs=0 max_len
  max_len=$(harness max-len "$target")
  : >"$out/skip.txt"
  while :; do
    local remaining=$((deadline - SECONDS))
    [ "$remaining" -gt 0 ] || break
    segment=$((segment + 1))
    [ "$segment" -le 100 ] || { echo "stopping: 100 restarts"; break; }
    local log="$out/libfuzzer-$segment.log" rc=0
    echo "== libFuzzer segment $segment: $remaining s left (log $log)"
    DOTNET_GCHeapHardLimit=$(heap_limit) ELIGIBILITY_FUZZ_SKIP="$out/skip.txt" run_group \
      "$work/libfuzzer-dotnet" --target_path="$work/instrumented/Eligibility.Fuzz" --target_arg="$target" \
      -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -max_len="$max_len" -max_total_time="$remaining" \
      -dict="$out/dict" -artifact_prefix="$out/findings/" -print_final_stats=1 \
      "$out/corpus" "$out/seeds" >"$log" 2>&1 || rc=$?
    local n
    n=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -n 1 || true)
    execs=$((execs + ${n:-0}))
    grep -E '^#[0-9]+.*(cov|ft):' "$log" | tail -n 1 || true
    if [ "$rc" -eq 0 ]; then
      break
    fi
    local artifact signature
    artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | awk '{print $5}')
    signature=$(grep -o 'SIGNATURE: .*' "$log" | tail -n 1 | sed 's/^SIGNATURE: //')
    if grep -q 'ALARM: working on the last Unit' "$log"; then signature="timeout"; fi
    echo "   found: ${signature:-the .NET process died (see log)} -> ${artifact:-no artifact}"
    if [ -n "$signature" ] && [ "$signature" != timeout ]; then
      echo "$signature" >>"$out/skip.txt"
    fi
    if [ -z "$artifact" ] && [ -z "$signature" ]; then
      echo "   no artifact and no signature: the engine itself failed, stopping"
      tail -n 20 "$log"
      break
    fi
  done
  # The last segment loaded the whole corpus: its last status line is the run's coverage.
  local last max_ft
  last=$(grep -hE '^#[0-9]+.*(cov|ft):' "$out/libfuzzer-$segment.log" 2>/dev/null | tail -n 1 || true)
  max_ft=$(grep -ohE 'ft: [0-9]+' "$out"/libfuzzer-*.log 2>/dev/null | awk '{print $2}' | sort -n | tail -n 1 || true)
  {
    echo "engine: libFuzzer (libfuzzer-dotnet), $seconds s in $segment segment(s)"
    echo "executions: $execs"
    echo "last status: $last"
    echo "highest ft (features): ${max_ft:-0}"
    echo "corpus folder: $(find "$out/corpus" -type f | wc -l) inputs"
  } | tee "$out/stats.txt"
}

fuzz_afl() {
  local target=$1 seconds=$2 out=$3
  command -v afl-fuzz >/dev/null 2>&1 || die "no afl-fuzz: apt-get install -y afl++"
  rm -rf "$out/afl"
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    DOTNET_GCHeapHardLimit=$(heap_limit) \
    run_group afl-fuzz -i "$out/seeds" -o "$out/afl" -t $((timeout_s * 1000)) -m none -V "$seconds" -x "$out/dict" \
    -- dotnet "$work/instrumented/Eligibility.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || true
  local stats="$out/afl/default/fuzzer_stats"
  [ -f "$stats" ] || { tail -n 30 "$out/afl.log"; die "afl-fuzz did not start (log $out/afl.log)"; }
  find "$out/afl/default/crashes" "$out/afl/default/hangs" -type f -name 'id:*' -exec cp -t "$out/findings" {} + 2>/dev/null || true
  {
    echo "engine: AFL++ $(afl-fuzz -h 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'afl-fuzz++[^ ]*' | head -n 1), $seconds s"
    grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|bitmap_cvg|saved_crashes|saved_hangs|unique_crashes|unique_hangs) ' "$stats"
  } | tee "$out/stats.txt"
}

# Replays every finding (uninstrumented, bounded in time) and writes the signature, the exception and the innermost
# product frames of each to findings.txt; prints one line per distinct signature.
summarise() {
  awk '/^CRASH /{print; e=0; a=0; next}
       /^  SIGNATURE:/{print; next}
       /^  [A-Za-z0-9_.`]+(Exception|Error)[:,]?/ && e==0 {print; e=1; next}
       / at Eligibility\./ && !/Eligibility\.Fuzz/ && a<3 {print; a++}'
}

triage() {
  local target=$1 out=$2
  local report="$out/findings.txt" rc=0
  : >"$report"
  [ -n "$(ls -A "$out/findings")" ] || { echo "== findings: none"; return; }
  # All at once first (fast); one process per file when that one process hangs or dies, or some input passes.
  DOTNET_GCHeapHardLimit=$(heap_limit) timeout 300 dotnet "$work/plain/Eligibility.Fuzz.dll" replay "$target" "$out/findings" \
    >"$out/replay.txt" 2>&1 || rc=$?
  if [ "$rc" -le 1 ] && ! grep -q '^ok ' "$out/replay.txt"; then
    summarise <"$out/replay.txt" >"$report"
  else
    local f
    for f in "$out"/findings/*; do
      rc=0
      DOTNET_GCHeapHardLimit=$(heap_limit) timeout $((timeout_s * 3)) dotnet "$work/plain/Eligibility.Fuzz.dll" replay "$target" "$f" \
        >"$out/replay.txt" 2>&1 || rc=$?
      case "$rc" in
        0) echo "ok    $f: passes when replayed alone (flaky, or it needed the fuzzing process's state)" >>"$report" ;;
        1) summarise <"$out/replay.txt" >>"$report" ;;
        124) printf 'CRASH %s\n  SIGNATURE: hang (no result within %s s)\n' "$f" $((timeout_s * 3)) >>"$report" ;;
        *) printf 'CRASH %s\n  SIGNATURE: process died (exit %s)\n' "$f" "$rc" >>"$report"; tail -n 5 "$out/replay.txt" | sed 's/^/  /' >>"$report" ;;
      esac
    done
  fi
  rm -f "$out/replay.txt"
  echo "== findings: $(find "$out/findings" -type f | wc -l) file(s); signatures and stack tops in $report"
  grep -h 'SIGNATURE:' "$report" | sed 's/^ *//' | sort | uniq -c || true
}

minimize() {
  local target=$1 file=$2 result=${3:-}
  [ -x "$work/libfuzzer-dotnet" ] || die "no libfuzzer-dotnet (run fuzz.sh build with clang installed)"
  local signature
  signature=$(harness replay "$target" "$file" | grep -o 'SIGNATURE: .*' | head -n 1 | sed 's/^SIGNATURE: //' || true)
  [ -n "$signature" ] || die "$file does not crash $target when replayed (a timeout? minimise it by hand)"
  result=${result:-$file.min}
  echo "== minimising $file ($(stat -c %s "$file") bytes), keeping: $signature"
  DOTNET_GCHeapHardLimit=$(heap_limit) ELIGIBILITY_FUZZ_ONLY="$signature" run_group \
    "$work/libfuzzer-dotnet" --target_path="$work/instrumented/Eligibility.Fuzz" --target_arg="$target" \
    -minimize_crash=1 -runs="${FUZZ_MINIMIZE_RUNS:-20000}" -max_total_time="${FUZZ_MINIMIZE_SECONDS:-180}" \
    -timeout="$timeout_s" -exact_artifact_path="$result" "$file" \
    >"$result.log" 2>&1 || true
  [ -f "$result" ] || die "no minimised input (log $result.log)"
  echo "== $result: $(stat -c %s "$result") bytes"
  harness replay "$target" "$result" | grep -E 'SIGNATURE|CRASH|ok ' || true
}

[ $# -ge 1 ] || usage
case "$1" in
  build)
    build
    ;;
  replay)
    [ $# -ge 3 ] || usage
    check_target "$2"
    [ -f "$work/plain/Eligibility.Fuzz.dll" ] || build
    target=$2
    shift 2
    harness replay "$target" "$@"
    ;;
  minimize)
    [ $# -ge 3 ] || usage
    check_target "$2"
    minimize "$2" "$3" "${4:-}"
    ;;
  -h|--help|help)
    usage
    ;;
  *)
    [ $# -ge 2 ] || usage
    target=$1 seconds=$2 engine=${3:-libfuzzer}
    check_target "$target"
    [[ "$seconds" =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number"
    [ "${FUZZ_SKIP_BUILD:-0}" = 1 ] && [ -f "$work/instrumented/Eligibility.Fuzz.dll" ] || build
    out="$out_root/$target"
    # The corpus grows from run to run; seeds, findings and logs are this run's.
    rm -rf "$out/seeds" "$out/findings" "$out"/libfuzzer-*.log
    mkdir -p "$out/corpus" "$out/findings"
    harness seed "$target" "$work/src" "$out/seeds" "$out/dict"
    echo "== fuzz $target for $seconds s with $engine (per input: $timeout_s s, $rss_mb MiB); findings in $out/findings"
    case "$engine" in
      libfuzzer) fuzz_libfuzzer "$target" "$seconds" "$out" ;;
      afl) fuzz_afl "$target" "$seconds" "$out" ;;
      *) die "no engine '$engine'; use libfuzzer or afl" ;;
    esac
    triage "$target" "$out"
    ;;
esac
