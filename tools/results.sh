# Sourced by tools/run-tests and tools/run-each: reads a test program's closing line.
# parse_results TEXT RC -> sets P F K (passed, failed, skipped) from the last
# "N passed, N failed[, N skipped]" line of TEXT; returns 1 when there is none. A non-zero exit status
# RC with no failure counted counts as one failure.
parse_results() {
  local line nums
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' <<<"$1" | tail -n 1)
  [[ -n "$line" ]] || return 1
  nums=$(sed -E 's/^([A-Za-z-]+: )?//' <<<"$line")
  P=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$nums")
  F=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$nums")
  K=0; [[ "$nums" == *skipped* ]] && K=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$nums")
  if [[ $2 -ne 0 && $F -eq 0 ]]; then F=1; fi
  return 0
}
