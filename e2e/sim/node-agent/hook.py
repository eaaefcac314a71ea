#!/usr/bin/python3
# SIMULATOR: plugged into the node runner's `k8s` and `snap` stubs. Hands the call to the simulated node agent (an
# HTTP server of the simulated infrastructure provider on loopback) and replays its answer: stdout, stderr, exit code.
# Arguments that name a regular file on the node carry its content, since the agent runs outside the node's sandbox.
import base64
import json
import os
import socket
import sys
import urllib.request

with open("/etc/capi-ck8s-sim/node-agent.json", encoding="utf-8") as settings_file:
    settings = json.load(settings_file)

arguments = sys.argv[1:]
files = {}
for argument in arguments:
    if argument.startswith("/") and os.path.isfile(argument):
        with open(argument, "rb") as node_file:
            files[argument] = base64.b64encode(node_file.read()).decode("ascii")
stdin = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()

call = {
    "token": settings["token"],
    # The runner installs this hook as /.runner/hooks/<program>.
    "program": os.path.basename(sys.argv[0]),
    "args": arguments,
    "hostname": socket.gethostname(),
    "files": files,
    "stdin": base64.b64encode(stdin).decode("ascii"),
}
request = urllib.request.Request(
    settings["url"], data=json.dumps(call).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
)
try:
    with urllib.request.urlopen(request, timeout=settings["timeoutSeconds"]) as response:
        answer = json.load(response)
except Exception as error:  # noqa: BLE001 - any failure to reach the agent is the command's failure
    sys.stderr.write(f"simulated node agent unreachable: {error}\n")
    sys.exit(70)
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.exit(answer["exitCode"])
