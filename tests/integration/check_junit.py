#!/usr/bin/env python3
"""Runs the real netdiag binary with --format junit and checks the XML the way CI importers read
it: it parses, one <testsuite> per probe in the JSON report of the same probes, one <testcase>
per finding id from `netdiag list`, and failures that carry the finding's title, detail and
remedy.

Usage: check_junit.py NETDIAG WASM_FIXTURE
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def run(netdiag, args):
    proc = subprocess.run([netdiag] + args, capture_output=True, text=True, timeout=180)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"netdiag {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc.stdout


def finding_ids_by_probe(netdiag):
    ids, probe = {}, None
    for line in run(netdiag, ["list"]).splitlines():
        if line and not line.startswith(" "):
            probe = line.split()[0]
        elif "findings:" in line and probe:
            ids[probe] = line.split("findings:")[1].split()
    return ids


def main():
    netdiag, wasm = sys.argv[1:3]
    problems = []
    catalog = finding_ids_by_probe(netdiag)
    args = ["probe", "wasi-af", "host", "--wasm", wasm, "--fail-on", "warning", "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        xml_path, json_path = os.path.join(tmp, "r.xml"), os.path.join(tmp, "r.json")
        run(netdiag, args + ["--format", "junit", "-o", xml_path])
        run(netdiag, args + ["--format", "json", "-o", json_path])
        root = ET.parse(xml_path).getroot()
        with open(json_path, encoding="utf-8") as f:
            report = json.load(f)

    if root.tag != "testsuites":
        problems.append(f"root element is <{root.tag}>")
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    expected = [f"netdiag.{p['id']}" for p in report["probes"]]
    if names != expected:
        problems.append(f"suites {names}, expected {expected}")
    failing_ids = {f["id"] for p in report["probes"] for f in p["findings"]
                   if f["severity"] in ("warning", "error")}
    failures_seen = set()
    for suite in suites:
        probe = suite.get("name").split(".", 1)[1]
        cases = suite.findall("testcase")
        case_ids = [c.get("name").split()[0] for c in cases]
        if case_ids[:len(catalog.get(probe, []))] != catalog.get(probe, []):
            problems.append(f"{probe}: cases {case_ids}, catalogue {catalog.get(probe)}")
        if int(suite.get("tests")) != len(cases):
            problems.append(f"{probe}: tests={suite.get('tests')} but {len(cases)} cases")
        if int(suite.get("failures")) != sum(1 for c in cases if c.find("failure") is not None):
            problems.append(f"{probe}: failures attribute does not match the cases")
        for case in cases:
            failure = case.find("failure")
            if failure is None:
                continue
            case_id = case.get("name").split()[0]
            failures_seen.add(case_id)
            finding = next(f for p in report["probes"] for f in p["findings"] if f["id"] == case_id)
            body = failure.text or ""
            for part in [finding["title"], finding["detail"]] + finding["remedy"]:
                if part not in body:
                    problems.append(f"{case_id}: failure text lacks {part!r}")
            message = failure.get("message", "")
            if message != finding["title"] and not (message.startswith(finding["title"] + " (")
                                                    and message.endswith(" times)")):
                problems.append(f"{case_id}: failure message {failure.get('message')!r}")
    if failures_seen != failing_ids:
        problems.append(f"failures {sorted(failures_seen)} != warning/error findings {sorted(failing_ids)}")
    if not failing_ids:
        problems.append("the fixture produced no warning or error findings to check")

    for p in problems:
        print(p)
    print(f"JUnit: {len(suites)} suites, {sum(len(s.findall('testcase')) for s in suites)} cases, "
          f"{len(failures_seen)} failing, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
