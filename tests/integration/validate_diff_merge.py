#!/usr/bin/env python3
"""Runs the real netdiag binary's `diff` and `merge` with --format json on reports it wrote and
validates their output against docs/diff.schema.json and docs/fleet.schema.json.

Usage: validate_diff_merge.py NETDIAG DOCS_DIR
Exit 0 valid, 1 invalid, 77 skipped (python3-jsonschema missing).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    from capability import skip
    skip("jsonschema", "python3-jsonschema is not installed (apt-get install python3-jsonschema)")


def run(netdiag, args, codes=(0, 1)):
    proc = subprocess.run([netdiag] + args, capture_output=True, text=True, timeout=180)
    if proc.returncode not in codes:
        raise SystemExit(f"netdiag {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def main():
    netdiag, docs = sys.argv[1:3]
    schemas = {}
    for name in ("diff", "fleet"):
        with open(os.path.join(docs, f"{name}.schema.json"), encoding="utf-8") as f:
            schemas[name] = json.load(f)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        old = os.path.join(tmp, "old.json")
        run(netdiag, ["probe", "host", "udp-batch", "--format", "json", "-q", "-o", old])
        with open(old, encoding="utf-8") as f:
            report = json.load(f)
        # The same host a moment later, with a new warning, one figure moved and a probe broken.
        new_report = copy.deepcopy(report)
        new_report["probes"][0]["findings"].append({
            "id": "ND-HOST-004", "severity": "warning", "probe": "host", "title": "No default route",
            "detail": "", "evidence": {}, "remedy": [], "docs": "docs/findings/ND-HOST-004.md"})
        new_report["probes"][0]["measurements"]["interfaces"] = 40
        new_report["probes"][1]["status"] = "error"
        new = os.path.join(tmp, "new.json")
        with open(new, "w", encoding="utf-8") as f:
            json.dump(new_report, f)

        diff = json.loads(run(netdiag, ["diff", "--format", "json", old, new], (1,)).stdout)
        fleet = json.loads(run(netdiag, ["merge", "--format", "json", old, new]).stdout)

    for name, document in (("diff", diff), ("fleet", fleet)):
        validator = jsonschema.Draft202012Validator(schemas[name])
        for error in validator.iter_errors(document):
            problems.append(f"{name}: {'/'.join(map(str, error.path))}: {error.message}")
    if not (diff["appeared"] and diff["moved"] and diff["status_changes"]):
        problems.append(f"diff output misses a change: {json.dumps(diff)[:300]}")
    if len(fleet["hosts"]) != 2:
        problems.append(f"fleet has {len(fleet['hosts'])} hosts, expected 2")

    for p in problems:
        print(p)
    print(f"diff and fleet JSON: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
