#!/usr/bin/env python3
"""Renders netdiag's HTML report in a real browser (headless Chromium) and checks what a person
would see: the page is self-contained, its script ran without errors, and the charts are there
(udp-batch throughput, shared-accept spread, and the watch timeline for a report that has one).
It also writes a PNG screenshot of each page and checks its size.

Usage: render_html.py NETDIAG [OUTPUT_DIR]
Exit 0 ok, 1 a check failed, 77 skipped (no Chromium on this machine).
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

WIDTH, HEIGHT = 1000, 2400


def find_browser():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def netdiag(binary, args):
    proc = subprocess.run([binary] + args, capture_output=True, text=True, timeout=180)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"netdiag {' '.join(args)} exited {proc.returncode}: {proc.stderr}")


def browser(chromium, profile, args, page):
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0"] + args + ["file://" + page]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def check_page(chromium, profile, page, expected_charts, shot):
    problems = []
    with open(page, encoding="utf-8") as f:
        html = f.read()
    # Self-contained: nothing loaded from elsewhere.
    for pattern in (r"<link\b", r"\bsrc\s*=", r"url\(", r"@import", r"href=\"(https?:)?//"):
        if re.search(pattern, html, re.IGNORECASE):
            problems.append(f"{page}: references an external resource ({pattern})")

    dom = browser(chromium, profile, ["--dump-dom"], page)
    if dom.returncode != 0 or "<html" not in dom.stdout:
        return problems + [f"chromium --dump-dom failed ({dom.returncode}): {dom.stderr[-500:]}"]
    root = re.search(r"<html[^>]*>", dom.stdout).group(0)
    if 'data-ready="true"' not in root:
        problems.append(f"{page}: the page's script did not finish (no data-ready)")
    errors = re.search(r'data-script-errors="([^"]*)"', root)
    if errors:
        problems.append(f"{page}: script errors: {errors.group(1)}")
    for line in dom.stderr.splitlines():
        if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower()):
            problems.append(f"{page}: console: {line.strip()}")
    charts = re.findall(r'<svg[^>]*\bid="([^"]+)"[^>]*class="chart', dom.stdout)
    for chart in expected_charts:
        if not any(c.startswith(chart) for c in charts):
            problems.append(f"{page}: chart {chart} missing (found {charts})")
    for chart_id in charts:
        body = dom.stdout.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
        if "<rect" not in body:
            problems.append(f"{page}: chart {chart_id} has nothing drawn")

    started = time.monotonic()
    result = browser(chromium, profile,
                     [f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}"], page)
    took = time.monotonic() - started
    size = png_size(shot) if os.path.exists(shot) else None
    if result.returncode != 0 or size != (WIDTH, HEIGHT):
        problems.append(f"{page}: screenshot failed ({result.returncode}, size {size})")
    else:
        print(f"rendered {os.path.basename(page)}: {len(html)} bytes, charts {charts}, "
              f"screenshot {os.path.getsize(shot)} bytes in {took:.1f} s")
    return problems


def with_timeline(report_path, out_path):
    """A probe report plus the timeline `netdiag watch` writes: eth1 dropping every 2 s."""
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    events = []
    for n in range(3):
        t = 1000 + n * 2000
        events.append({"t_ms": t, "interface": "eth1", "kind": "link_down", "old": "up", "new": "down"})
        events.append({"t_ms": t + 50, "interface": "", "kind": "heartbeat_error", "old": "", "new": "",
                       "error": {"errno": 101, "errno_name": "ENETUNREACH"}})
        events.append({"t_ms": t + 400, "interface": "eth1", "kind": "link_up", "old": "down", "new": "up"})
    report["timeline"] = events
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(report, f)


def main():
    binary = sys.argv[1]
    chromium = find_browser()
    if not chromium:
        from capability import skip
        skip("chromium", "no Chromium to render the HTML report with (apt-get install chromium)")
    keep = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        out = keep or tmp
        os.makedirs(out, exist_ok=True)
        profile = os.path.join(tmp, "profile")
        page, report = os.path.join(out, "report.html"), os.path.join(out, "report.json")
        netdiag(binary, ["probe", "--all", "--multicast-interface", "lo", "--format", "html",
                         "-q", "-o", page])
        netdiag(binary, ["probe", "udp-batch", "shared-accept", "--format", "json", "-q",
                         "-o", report])
        watch_json, watch_page = os.path.join(out, "watch.json"), os.path.join(out, "watch.html")
        with_timeline(report, watch_json)
        netdiag(binary, ["render", watch_json, "--format", "html", "-o", watch_page])

        problems = check_page(chromium, profile, page,
                              ["chart-udp-throughput", "chart-accept-"],
                              os.path.join(out, "report.png"))
        problems += check_page(chromium, profile, watch_page,
                               ["chart-udp-throughput", "chart-accept-", "chart-timeline"],
                               os.path.join(out, "watch.png"))
    for p in problems:
        print(p)
    print(f"HTML in {os.path.basename(chromium)}: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
