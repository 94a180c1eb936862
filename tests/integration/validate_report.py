#!/usr/bin/env python3
"""Runs the real netdiag binary and validates its JSON reports against docs/report.schema.json.

Usage: validate_report.py NETDIAG SCHEMA            run probe --all (plain and --redact) and check
       validate_report.py --file REPORT SCHEMA     check a report written elsewhere (e.g. Wine)
Exit 0 valid, 1 invalid, 77 skipped (python3-jsonschema missing).
"""
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


def validate(report_path, schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.path))
    for error in errors:
        print(f"{report_path}: {'/'.join(map(str, error.path))}: {error.message}")
    return report, not errors


def run_binary(netdiag, schema, extra):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        proc = subprocess.run([netdiag, "probe", "--all", "--multicast-interface", "lo", "--format", "json", "-q", "-o", out] + extra,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode not in (0, 1):
            print(f"netdiag exited {proc.returncode}: {proc.stderr}")
            return False
        report, ok = validate(out, schema)
        if not report["probes"]:
            print("report has no probes")
            return False
        ids = [p["id"] for p in report["probes"]]
        if "host" not in ids:
            print(f"host probe missing: {ids}")
            return False
        if "--redact" in extra and not report["redacted"]:
            print("--redact report not marked redacted")
            return False
        print(f"valid report ({' '.join(extra) or 'plain'}): probes {ids}, "
              f"summary {report['summary']}")
        return ok


def run_watch(netdiag, schema):
    """A short `netdiag watch` report (probe shape plus a timeline) must validate too."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "watch.json")
        proc = subprocess.run([netdiag, "watch", "--duration", "1s", "--format", "json", "-q",
                               "-o", out], capture_output=True, text=True, timeout=30)
        if proc.returncode not in (0, 1):
            print(f"netdiag watch exited {proc.returncode}: {proc.stderr}")
            return False
        report, ok = validate(out, schema)
        if [p["id"] for p in report["probes"]] != ["watch"] or "timeline" not in report:
            print("watch report lacks its watch result or timeline")
            return False
        print(f"valid report (watch): {len(report['timeline'])} timeline entries")
        return ok


def main():
    if sys.argv[1] == "--file":
        _, ok = validate(sys.argv[2], sys.argv[3])
        print("valid" if ok else "INVALID")
        return 0 if ok else 1
    netdiag, schema = sys.argv[1], sys.argv[2]
    ok = (run_binary(netdiag, schema, []) and run_binary(netdiag, schema, ["--redact"])
          and run_watch(netdiag, schema))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
