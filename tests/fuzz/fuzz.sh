#!/bin/sh
# The recipes of tests/fuzz/fuzz.mk (which builds the binaries first).
#
#   fuzz.sh replay TARGET...           replay_<t> over the committed corpus
#                                      and regressions: PASS:/FAIL: lines
#   fuzz.sh host SECONDS TARGET...     fuzz_<t> for SECONDS split evenly
#   fuzz.sh promote TARGET...          merge scratch corpora into the repo
#                                      (inputs that reach new edges)
#   fuzz.sh cov TARGET...              coverage report of the corpus
#
# Environment: FUZZ_BUILD (build/fuzz), FUZZ_FLAGS (extra libFuzzer flags),
# FUZZ_COV_SCRATCH, LLVM_PROFDATA, LLVM_COV.
set -u

B=${FUZZ_BUILD:-build/fuzz}
D=tests/fuzz
CRASHES=$B/crashes

# -max_len: room above the largest seed (the trimmed QEMU tree is
# about 2.3 KiB, the seed executables under 1.5 KiB, the seed archives
# about 1 KiB, the ext2 images up to their 256 KiB device); longer inputs
# only slow the search down.
max_len() {
	case $1 in
	fdt) echo 8192 ;;
	elf) echo 4096 ;;
	cpio) echo 2048 ;;
	ext2) echo 262144 ;; # the seed images (a 256 KiB device)
	esac
}

# The committed inputs of a target: directories that exist.
inputs() {
	for d in "$D/corpus/$1" "$D/regressions/$1"; do
		[ -d "$d" ] && printf '%s ' "$d"
	done
}

replay() {
	status=0
	for t in "$@"; do
		log=$B/replay-$t.log
		# shellcheck disable=SC2046
		if timeout 300 "$B/replay_$t" $(inputs "$t") > "$log" 2>&1; then
			n=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$log")
			echo "PASS: fuzz/$t-replay ($n inputs)"
		else
			rc=$?
			culprit=$(sed -n 's/^Running: //p' "$log" | tail -n 1)
			echo "FAIL: fuzz/$t-replay: exit status $rc on ${culprit:-?} (log: $log)"
			grep -v "^Running: " "$log" | tail -n 40
			status=1
		fi
	done
	return $status
}

# "stat::name: value" from a libFuzzer log (-print_final_stats=1).
final_stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

host() {
	seconds=$1
	shift
	per=$((seconds / $#))
	[ "$per" -ge 1 ] || per=1
	mkdir -p "$CRASHES"
	echo "fuzz-host: $# target(s), $per s each; logs in $B/fuzz-<target>.log"
	found=""
	for t in "$@"; do
		corpus=$B/corpus-$t
		log=$B/fuzz-$t.log
		mkdir -p "$corpus"
		for f in "$D/corpus/$t"/*; do
			[ -f "$f" ] && cp -n "$f" "$corpus/" 2>/dev/null
		done
		# Regression inputs are good seeds once their bug is fixed;
		# until then they would stop the run at once, so leave them out.
		for f in "$D/regressions/$t"/*; do
			[ -f "$f" ] || continue
			if "$B/fuzz_$t" -artifact_prefix="$B/recheck-" "$f" > /dev/null 2>&1; then
				cp -n "$f" "$corpus/" 2>/dev/null
			else
				rm -f "$corpus/$(basename "$f")" "$B"/recheck-*
				echo "  (not fuzzing from $f: it still breaks a promise; make fuzz-replay says which)"
			fi
		done
		before=$(ls "$corpus" | wc -l)
		stamp=$B/.fuzz-$t.start
		touch "$stamp"
		echo "  FUZZ    $t: $per s, -max_len=$(max_len "$t"), corpus $corpus ($before inputs)"
		# shellcheck disable=SC2086
		"$B/fuzz_$t" "$corpus" -max_total_time="$per" -max_len="$(max_len "$t")" \
			-timeout=10 -rss_limit_mb=2048 -use_value_profile=1 \
			-dict="$D/$t.dict" -artifact_prefix="$CRASHES/$t-" \
			-print_final_stats=1 ${FUZZ_FLAGS:-} > "$log" 2>&1
		rc=$?
		after=$(ls "$corpus" | wc -l)
		runs=$(final_stat number_of_executed_units "$log")
		rate=$(final_stat average_exec_per_sec "$log")
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
		new=$(find "$CRASHES" -name "$t-*" -newer "$stamp" -type f | sort)
		printf '  %-5s %s runs, %s runs/s, %s, corpus %s -> %s: ' "$t" \
			"${runs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$before" "$after"
		if [ -n "$new" ] || [ "$rc" -ne 0 ]; then
			echo "FOUND (exit status $rc)"
			grep -m 3 -e 'contract violated' -e 'ERROR: ' -e 'runtime error' \
				-e 'deadly signal' -e 'ALARM' "$log" | sed 's/^/        /'
			for f in $new; do
				echo "        $f"
			done
			found="$found $t"
		else
			echo "nothing found"
		fi
	done
	echo
	echo "To keep new inputs that add coverage: make fuzz-promote FUZZ_TARGETS=\"$*\""
	echo "  (merges $B/corpus-<target> into $D/corpus/<target>, then commit it)"
	if [ -z "$found" ]; then
		echo "fuzz-host: nothing found"
		return 0
	fi
	cat <<EOF
fuzz-host: FOUND something in:$found (see $B/fuzz-<target>.log)
To reproduce: $B/fuzz_<target> FILE
To minimise:  $B/fuzz_<target> -minimize_crash=1 -max_total_time=60 \\
                  -exact_artifact_path=$B/min FILE
Then save it as $D/regressions/<target>/<what-it-breaks> (make fuzz-replay
replays it from then on) and report the diagnosis.
EOF
	return 1
}

promote() {
	for t in "$@"; do
		if [ ! -d "$B/corpus-$t" ]; then
			echo "fuzz-promote: no $B/corpus-$t (run make fuzz-host first)"
			continue
		fi
		mkdir -p "$D/corpus/$t"
		before=$(ls "$D/corpus/$t" | wc -l)
		# Edges only (-use_counters=0): a small set that reaches what the
		# scratch corpus reaches, not one input per hit count.
		"$B/fuzz_$t" -merge=1 -use_counters=0 -max_len="$(max_len "$t")" \
			"$D/corpus/$t" "$B/corpus-$t" \
			> "$B/promote-$t.log" 2>&1 || { tail -n 20 "$B/promote-$t.log"; return 1; }
		after=$(ls "$D/corpus/$t" | wc -l)
		echo "fuzz-promote: $t: $D/corpus/$t $before -> $after inputs"
	done
}

cov() {
	for t in "$@"; do
		rm -f "$B/cov-$t".*.profraw
		scratch=""
		[ -n "${FUZZ_COV_SCRATCH:-}" ] && [ -d "$B/corpus-$t" ] && scratch=$B/corpus-$t
		# One process per input: an input that breaks a promise (a
		# regression not fixed yet) aborts, losing only its own profile.
		n=0
		failed=0
		# shellcheck disable=SC2046,SC2086
		for f in $(find $(inputs "$t") $scratch -type f ! -name '.*' | sort); do
			n=$((n + 1))
			LLVM_PROFILE_FILE="$B/cov-$t.%p.profraw" "$B/cov_$t" "$f" \
				> "$B/cov-$t.log" 2>&1 || failed=$((failed + 1))
		done
		"${LLVM_PROFDATA:-llvm-profdata}" merge -o "$B/cov-$t.profdata" "$B/cov-$t".*.profraw || return 1
		rm -f "$B/cov-$t".*.profraw
		echo "== $t: $n inputs${scratch:+ (with $scratch)}, $failed of them breaking a promise"
		src=kernel/$t.c
		[ "$t" = ext2 ] && src=servers/fs/ext2.c
		"${LLVM_COV:-llvm-cov}" report "$B/cov_$t" -instr-profile="$B/cov-$t.profdata" \
			"$src" > "$B/cov-$t.txt" || return 1
		# TOTAL  regions missed cover  functions missed executed
		#        lines missed cover  branches missed cover
		awk -v f="$src" '$1 == "TOTAL" {
			printf "   %s: lines %d/%d (%s), branches %d/%d (%s), regions %s\n",
				f, $8 - $9, $8, $10, $11 - $12, $11, $13, $4 }' "$B/cov-$t.txt"
		echo "   (line by line: ${LLVM_COV:-llvm-cov} show $B/cov_$t -instr-profile=$B/cov-$t.profdata $src)"
	done
}

cmd=$1
shift
case $cmd in
replay | host | promote | cov) "$cmd" "$@" ;;
*)
	echo "usage: $0 replay|host SECONDS|promote|cov TARGET..." >&2
	exit 2
	;;
esac
