"""Validates cloud-configs the way `cloud-init schema --config-file` does, many per process (cloud-init's CLI
takes one file and spends most of its time starting): renders each file's jinja template with the given instance
data, then runs cloud-init's validate_cloudconfig_file on the result. Prints one JSON result per file, including
the keys, write_files, runcmd and bootcmd as cloud-init's YAML loader reads them, so callers can compare them with
what they meant to write.

usage: python3 validate_cloud_configs.py INSTANCE_DATA_JSON USER_DATA..."""

import json
import logging
import sys

from cloudinit import safeyaml
from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_file
from cloudinit.handlers.jinja_template import render_jinja_payload_from_file


def check(path, instance_data_path, schema):
    with open(path, encoding="utf-8") as source:
        payload = source.read()
    rendered = render_jinja_payload_from_file(payload, path, instance_data_path)
    if rendered is None:
        return {"ok": False, "error": "jinja rendering failed"}
    rendered_path = f"{path}.rendered"
    with open(rendered_path, "w", encoding="utf-8") as target:
        target.write(rendered)
    try:
        validate_cloudconfig_file(rendered_path, schema)
    except SchemaValidationError as error:
        return {"ok": False, "error": str(error)}
    config = safeyaml.load(rendered)
    # The parts that decide what the node does; other values may be YAML types JSON cannot carry (.inf, dates).
    return {
        "ok": True,
        "keys": sorted(config),
        "write_files": config.get("write_files"),
        "runcmd": config.get("runcmd"),
        "bootcmd": config.get("bootcmd"),
    }


def main():
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
    # cloud-init prints its findings too; keep stdout for the JSON results.
    results_stream, sys.stdout = sys.stdout, sys.stderr
    instance_data_path, *paths = sys.argv[1:]
    schema = get_schema()
    results = []
    for path in paths:
        try:
            results.append(check(path, instance_data_path, schema))
        except Exception as error:  # pylint: disable=broad-except
            results.append({"ok": False, "error": f"{type(error).__name__}: {error}"})
    json.dump(results, results_stream, default=repr)


if __name__ == "__main__":
    main()
