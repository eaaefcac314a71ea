"""Boots a simulated node inside the sandbox the way cloud-init does, using cloud-init's own code: renders the
jinja template with the instance data, parses the cloud-config, runs bootcmd, applies write_files, runs runcmd.

Every bootcmd and runcmd entry is preceded by a call to /.runner/mark so the log shows which entry ran each stub.
Exits 2 (after printing why) when cloud-init would ignore the user data altogether."""

import fcntl
import json
import logging
import subprocess
import sys

from cloudinit import safeyaml, util
from cloudinit.config import cc_write_files
from cloudinit.handlers.jinja_template import render_jinja_payload

RUNNER = "/.runner"
JINJA_HEADER = "## template: jinja"


def record(*fields):
    with open(f"{RUNNER}/log", "ab") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        log.write(b"".join(str(field).encode() + b"\0" for field in fields))


def give_up(reason):
    print(f"boot: {reason}", file=sys.stderr, flush=True)
    sys.exit(2)


def load_cloud_config():
    with open(f"{RUNNER}/user-data", encoding="utf-8") as source:
        user_data = source.read()
    with open(f"{RUNNER}/instance-data.json", encoding="utf-8") as source:
        instance_data = json.load(source)
    if user_data.startswith(JINJA_HEADER):
        user_data = render_jinja_payload(user_data, "user-data", instance_data)
        if user_data is None:
            give_up("cloud-init would ignore this user data: rendering its jinja template failed (see above)")
    if not user_data.startswith("#cloud-config"):
        give_up("the user data does not start with #cloud-config")
    config = safeyaml.load(user_data)
    if not isinstance(config, dict):
        give_up("the cloud-config is not a mapping")
    return config


def run_commands(phase, commands):
    if not commands:
        return None
    lines = ["#!/bin/sh"]
    for index, command in enumerate(commands):
        lines.append(f"/.runner/mark {phase} {index}")
        lines.append(util.shellify([command], add_header=False).rstrip("\n"))
    script = f"{RUNNER}/{phase}.sh"
    with open(script, "w", encoding="utf-8") as target:
        target.write("\n".join(lines) + "\n")
    return subprocess.run(["/bin/sh", script], check=False, stderr=subprocess.STDOUT).returncode


def main():
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="cloud-init: %(message)s")
    config = load_cloud_config()
    commands = {phase: config.get(phase) or [] for phase in ("bootcmd", "runcmd")}
    with open(f"{RUNNER}/commands.json", "w", encoding="utf-8") as target:
        json.dump(commands, target)

    # cloud-init's order: bootcmd (init stage), write_files (init stage), runcmd (final stage). A failing module
    # does not stop the later ones.
    record("phase", "bootcmd", run_commands("bootcmd", commands["bootcmd"]) or 0)
    try:
        cc_write_files.write_files("write_files", config.get("write_files") or [], "root:root")
        record("phase", "write_files", 0)
    except Exception as error:  # pylint: disable=broad-except
        print(f"cloud-init: write_files failed: {error}", flush=True)
        record("phase", "write_files", 1)
    record("phase", "runcmd", run_commands("runcmd", commands["runcmd"]) or 0)


if __name__ == "__main__":
    main()
