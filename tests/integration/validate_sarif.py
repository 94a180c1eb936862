#!/usr/bin/env python3
"""Runs the real netdiag binary with --format sarif and validates the log against the SARIF 2.1.0
JSON schema shipped in tests/fixtures/sarif/ (see the README there for its source).

Usage: validate_sarif.py NETDIAG SCHEMA WASM_FIXTURE
Exit 0 valid, 1 invalid, 77 skipped (python3-jsonschema missing).
"""
import json
import subprocess
import sys
import tempfile
import os

try:
    import jsonschema
except ImportError:
    from capability import skip
    skip("jsonschema", "python3-jsonschema is not installed (apt-get install python3-jsonschema)")


def run_sarif(netdiag, args, tmp, name):
    out = os.path.join(tmp, name)
    proc = subprocess.run([netdiag, "probe"] + args + ["--format", "sarif", "-q", "-o", out],
                          capture_output=True, text=True, timeout=180)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"netdiag {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def schema_errors(log, schema):
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(log)]


def main():
    netdiag, schema_path, wasm = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        host_log = run_sarif(netdiag, ["--all", "--multicast-interface", "lo"], tmp, "all.sarif")
        wasm_log = run_sarif(netdiag, ["wasi-af", "--wasm", wasm], tmp, "wasm.sarif")
    for name, log in (("probe --all", host_log), ("wasi-af", wasm_log)):
        problems += [f"{name}: {e}" for e in schema_errors(log, schema)]
        run = log["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: duplicate rule ids")
        for result in run["results"]:
            if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
                problems.append(f"{name}: ruleIndex of {result['ruleId']} points elsewhere")
    if not any(r["id"].startswith("ND-HOST-") and r.get("help", {}).get("markdown")
               for r in host_log["runs"][0]["tool"]["driver"]["rules"]):
        problems.append("probe --all: no ND-HOST rule with help from docs/findings")

    wasm_results = wasm_log["runs"][0]["results"]
    if not wasm_results:
        problems.append("wasi-af: the bad-constants fixture produced no results")
    for result in wasm_results:
        physical = result["locations"][0].get("physicalLocation")
        if not physical or "byteOffset" not in physical.get("region", {}):
            problems.append(f"wasi-af: {result['ruleId']} has no physical location with a byte offset")
        elif not physical["artifactLocation"]["uri"].endswith(os.path.basename(wasm)):
            problems.append(f"wasi-af: {result['ruleId']} points at {physical['artifactLocation']['uri']}")
    for result in host_log["runs"][0]["results"]:
        if "logicalLocations" not in result["locations"][0]:
            problems.append(f"probe --all: {result['ruleId']} has no logical location")

    for p in problems:
        print(p)
    print(f"SARIF: {len(host_log['runs'][0]['results'])} + {len(wasm_results)} results, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
