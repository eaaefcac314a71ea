#!/bin/bash
# Stand-in for a node program (snap, k8s, systemctl, ctr, curl, sleep), installed under its name. It records the
# invocation, then fails if a failure rule matches, else runs the hook plugged in for the program, else succeeds.
#   /.runner/failures/<n>.rule  fields separated by NUL: bash glob over "<program> <arguments>", exit code, and how
#                               many matching invocations fail (0 = all); /.runner/failures/<n>.count counts matches
#   /.runner/hooks/<program>    executable run with the same arguments and stdin; its exit code is the stub's
set -o nounset -o pipefail

readonly RUNNER=/.runner
program=${0##*/}

record() {
  {
    flock 9
    printf '%s\0' "$@" >&9
  } 9>>"${RUNNER}/log"
}

matching_failure_exit_code() {
  local rule pattern exit_code times matches count_file
  shopt -s nullglob
  for rule in "${RUNNER}"/failures/*.rule; do
    {
      IFS= read -r -d '' pattern
      IFS= read -r -d '' exit_code
      IFS= read -r -d '' times
    } <"${rule}"
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    if [[ "${program} $*" == ${pattern} ]]; then
      count_file=${rule%.rule}.count
      matches=$(($(cat "${count_file}" 2>/dev/null || echo 0) + 1))
      echo "${matches}" >"${count_file}"
      if ((times == 0 || matches <= times)); then
        echo "${exit_code}"
        return 0
      fi
    fi
  done
  return 1
}

record exec "$$" "${program}" "$#" "$@"
if exit_code=$(matching_failure_exit_code "$@"); then
  echo "${program} (stub): failing as told, exit code ${exit_code}" >&2
elif [[ -x "${RUNNER}/hooks/${program}" ]]; then
  "${RUNNER}/hooks/${program}" "$@"
  exit_code=$?
else
  exit_code=0
fi
record exit "$$" "${exit_code}"
exit "${exit_code}"
