#!/usr/bin/env python3
"""netdiag's metrics read by the real Prometheus tools (Debian's prometheus and
prometheus-node-exporter packages).

1. `promtool check metrics` accepts `--format openmetrics` of every probe run alone and of a
   `netdiag watch` report rendered with `netdiag render`.
2. `promtool check rules` and `promtool test rules` accept the alerting rules
   (packaging/prometheus/netdiag-alerts.yml) and their expected alerts.
3. node_exporter, started here on a free loopback port with only its textfile collector, serves
   the series of a `probe --all` run, scraped over HTTP, with the values of the JSON report.

Usage: metrics_prometheus.py NETDIAG SOURCE_DIR
Exit 0 passed, 1 failed, 77 skipped (promtool or node_exporter missing; see capability.py).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capability  # noqa: E402
from script_checks import Daemon, check, free_loopback_port, scrape, verdict  # noqa: E402



def netdiag(binary, *args, timeout=120):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)


def promtool_accepts(promtool, path, what):
    with open(path, "rb") as f:
        proc = subprocess.run([promtool, "check", "metrics"], stdin=f, capture_output=True,
                              text=True, timeout=60)
    # promtool prints lint problems and exits 3 for them; anything it says is a problem.
    said = (proc.stdout + proc.stderr).strip()
    ok = check(proc.returncode == 0 and not said,
               f"promtool check metrics refused {what} (exit {proc.returncode}): {said}")
    if ok:
        print(f"promtool check metrics: {what}: accepted", flush=True)


def probe_ids(binary):
    listing = netdiag(binary, "list").stdout
    return [line.split()[0] for line in listing.splitlines()
            if line and not line[0].isspace() and line.split()[0] != "watch"]


def check_every_probe(binary, promtool, source_dir, tmp):
    wasm = os.path.join(source_dir, "tests/fixtures/wasm/bad_socket_constants.wasm")
    for probe in probe_ids(binary):
        out = os.path.join(tmp, f"{probe}.prom")
        extra = ["--wasm", wasm] if probe == "wasi-af" else []
        proc = netdiag(binary, "probe", probe, *extra, "--format", "openmetrics", "-q", "-o", out)
        if check(proc.returncode in (0, 1), f"probe {probe} exited {proc.returncode}: "
                                            f"{proc.stderr}"):
            promtool_accepts(promtool, out, f"probe {probe}")
            with open(out, encoding="utf-8") as f:
                text = f.read()
            check(f'netdiag_probe_status{{probe="{probe}",' in text,
                  f"probe {probe}: no status series")
    # A watch report goes through render, like any saved report.
    watch_json = os.path.join(tmp, "watch.json")
    proc = netdiag(binary, "watch", "--duration", "1s", "--format", "json", "-q", "-o",
                   watch_json)
    if check(proc.returncode in (0, 1), f"watch exited {proc.returncode}: {proc.stderr}"):
        watch_prom = os.path.join(tmp, "watch.prom")
        proc = netdiag(binary, "render", watch_json, "--format", "openmetrics", "-o", watch_prom)
        if check(proc.returncode == 0, f"render of the watch report: {proc.stderr}"):
            promtool_accepts(promtool, watch_prom, "a watch report (render)")
            with open(watch_prom, encoding="utf-8") as f:
                text = f.read()
            check("netdiag_watch_watched_seconds " in text, "watch: no watched time")
            check('netdiag_watch_link_drops{interface="lo"} 0' in text,
                  "watch: no drop count for lo")


def check_alert_rules(promtool, source_dir):
    rules = os.path.join(source_dir, "packaging", "prometheus", "netdiag-alerts.yml")
    tests = os.path.join(source_dir, "tests", "integration", "prometheus",
                         "netdiag-alerts.test.yml")
    for args in (["check", "rules", rules], ["test", "rules", tests]):
        proc = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60,
                              cwd=os.path.dirname(tests))
        said = (proc.stdout + proc.stderr).strip()
        if check(proc.returncode == 0, f"promtool {' '.join(args[:2])}: {said}"):
            print(f"promtool {' '.join(args[:2])} {os.path.relpath(args[2], source_dir)}:\n"
                  f"{said}", flush=True)


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def parse_scrape(text):
    """{(name, labels-text): value} for every sample line."""
    samples = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match:
            samples[(match.group(1), match.group(2) or "")] = float(match.group(3))
    return samples


def check_node_exporter(binary, node_exporter, tmp):
    report_json = os.path.join(tmp, "all.json")
    proc = netdiag(binary, "probe", "--all", "--format", "json", "-q", "-o", report_json)
    if not check(proc.returncode in (0, 1), f"probe --all exited {proc.returncode}: "
                                            f"{proc.stderr}"):
        return
    textfiles = os.path.join(tmp, "textfile")
    os.mkdir(textfiles)
    proc = netdiag(binary, "render", report_json, "--format", "openmetrics", "-o",
                   os.path.join(textfiles, "netdiag.prom"))
    if not check(proc.returncode == 0, f"render: {proc.stderr}"):
        return
    with open(report_json, encoding="utf-8") as f:
        report = json.load(f)

    port = free_loopback_port()
    log_path = os.path.join(tmp, "node_exporter.log")
    # node_exporter logs "Listening on" once its socket is open.
    exporter = Daemon([node_exporter, f"--web.listen-address=127.0.0.1:{port}",
                       "--collector.disable-defaults", "--collector.textfile",
                       f"--collector.textfile.directory={textfiles}"],
                      "Listening on", 15, log_path=log_path)
    try:
        if not check(exporter.ready, f"node_exporter did not listen on 127.0.0.1:{port}"):
            return
        scraped = scrape(port)
    finally:
        exporter.stop()
    with open(log_path, encoding="utf-8") as f:
        exporter_log = f.read()

    print("scraped from node_exporter (netdiag series):")
    for line in scraped.splitlines():
        if line.startswith("netdiag_") or line.startswith("# HELP netdiag_"):
            print(f"  {line}")
    samples = parse_scrape(scraped)
    check(samples.get(("node_textfile_scrape_error", "")) == 0,
          f"node_textfile_scrape_error is not 0; node_exporter said:\n{exporter_log}")
    check(abs(samples.get(("netdiag_run_duration_seconds", ""), -1) -
              report["duration_ms"] / 1000) < 1e-6, "run duration differs from the report")
    for probe in report["probes"]:
        key = ("netdiag_probe_status", f'{{probe="{probe["id"]}",status="{probe["status"]}"}}')
        check(samples.get(key) == 1, f"scrape lacks {key[0]}{key[1]} 1")
    expected = {(f["id"], p["id"], f["severity"]) for p in report["probes"]
                for f in p["findings"]}
    served = {k[1] for k in samples if k[0] == "netdiag_finding"}
    check(len(served) == len(expected),
          f"{len(served)} netdiag_finding series served, {len(expected)} distinct findings")
    for finding_id, probe, severity in expected:
        key = ("netdiag_finding", f'{{id="{finding_id}",probe="{probe}",severity="{severity}"}}')
        check(samples.get(key) == 1, f"scrape lacks {key[0]}{key[1]} 1")
    for probe in report["probes"]:
        if probe["id"] != "udp-batch":
            continue
        for path in probe["measurements"].get("paths", []):
            rate = path.get("throughput", {}).get("datagrams_per_second")
            if rate is None:
                continue
            key = ("netdiag_udp_batch_datagrams_per_second", f'{{path="{path["path"]}"}}')
            check(key in samples and abs(samples[key] - rate) <= 1e-9 * max(1, rate),
                  f"{key[0]}{key[1]}: served {samples.get(key)}, report says {rate}")
    print(f"node_exporter served {sum(1 for k in samples if k[0].startswith('netdiag_'))} "
          f"netdiag samples for {len(report['probes'])} probes", flush=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, source_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    promtool = capability.need_program("promtool", "promtool", "prometheus")
    node_exporter = capability.need_program("node_exporter", "prometheus-node-exporter",
                                            "prometheus-node-exporter")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="netdiag-metrics-") as tmp:
        check_alert_rules(promtool, source_dir)
        check_every_probe(binary, promtool, source_dir, tmp)
        check_node_exporter(binary, node_exporter, tmp)
    print(f"took {time.monotonic() - started:.1f} s", flush=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
