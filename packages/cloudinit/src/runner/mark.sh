#!/bin/bash
# Records that the boot reached command <index> of <phase> (bootcmd or runcmd); the runner puts a call before each.
set -o nounset
{
  flock 9
  printf '%s\0' step "$1" "$2" >&9
} 9>>/.runner/log
