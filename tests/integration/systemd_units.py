#!/usr/bin/env python3
"""The packaged systemd units (packaging/systemd/): `systemd-analyze verify` accepts them,
`systemd-analyze security` rates the service's sandbox, and the service's own command lines,
run the way systemd would run them (ExecStart as an unprivileged user without capabilities,
the "+" ExecStartPost as root), write the JSON report and a metrics file node_exporter can read.

No service manager runs on a test machine, so the commands are taken from the unit file and run
here with systemd's substitutions (%S, ${VAR}, $VAR) done the same way.

Usage: systemd_units.py NETDIAG SOURCE_DIR [MAN_PAGE]
Exit 0 passed, 1 failed, 77 skipped (systemd-analyze missing; see capability.py).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capability  # noqa: E402
from script_checks import check, verdict  # noqa: E402

UNPRIVILEGED = 65534  # nobody: stands in for the dynamic user



def make_units(binary, source_dir, folder):
    """The units as `cmake --install` writes them, pointing at the binary under test."""
    packaging = os.path.join(source_dir, "packaging", "systemd")
    with open(os.path.join(packaging, "netdiag.service.in"), encoding="utf-8") as f:
        service = f.read()
    service = service.replace("@NETDIAG_BINDIR@", os.path.dirname(os.path.abspath(binary)))
    service = service.replace("@NETDIAG_DOCDIR@", os.path.join(source_dir, "docs"))
    check("@NETDIAG_" not in service, "a placeholder is left in netdiag.service")
    paths = {"service": os.path.join(folder, "netdiag.service"),
             "timer": os.path.join(folder, "netdiag.timer")}
    with open(paths["service"], "w", encoding="utf-8") as f:
        f.write(service)
    shutil.copy(os.path.join(packaging, "netdiag.timer"), paths["timer"])
    return paths


def verify(analyze, units, man_page, folder):
    env = dict(os.environ)
    man = "--man=no"
    if man_page and os.path.exists(man_page):
        # `man netdiag(1)` from Documentation= must find the generated page.
        man_dir = os.path.join(folder, "man", "man1")
        os.makedirs(man_dir)
        shutil.copy(man_page, os.path.join(man_dir, "netdiag.1"))
        env["MANPATH"] = os.path.join(folder, "man")
        man = "--man=yes"
    else:
        print("no man page built: Documentation=man:netdiag(1) not checked", flush=True)
    proc = subprocess.run([analyze, "verify", man, units["service"], units["timer"]],
                          capture_output=True, text=True, timeout=60, env=env)
    # verify warns about unknown keys on stderr and still exits 0: any output is a problem.
    said = (proc.stdout + proc.stderr).strip()
    if check(proc.returncode == 0 and not said,
             f"systemd-analyze verify (exit {proc.returncode}): {said}"):
        print(f"systemd-analyze verify {man}: netdiag.service and netdiag.timer: no complaints",
              flush=True)

    proc = subprocess.run([analyze, "security", "--offline=yes", units["service"]],
                          capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for netdiag.service: ([0-9.]+) (\S+)",
                      proc.stdout + proc.stderr)
    if check(match is not None, f"systemd-analyze security said: {proc.stdout}{proc.stderr}"):
        print(f"systemd-analyze security --offline=yes: exposure {match.group(1)} "
              f"{match.group(2)}", flush=True)
        check(float(match.group(1)) <= 2.5, "the service's sandbox got weaker "
                                             f"(exposure {match.group(1)}, was 1.9)")


def unit_settings(path):
    """[(key, value)] of the unit file, in order (keys repeat)."""
    settings = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")) and "=" in line:
                key, value = line.split("=", 1)
                settings.append((key.strip(), value.strip()))
    return settings


def expand(command, environment, state_root):
    """systemd's substitutions in a command line: %S, ${VAR} inside a word, $VAR as words."""
    command = command.replace("%S", state_root)
    command = re.sub(r"\$\{(\w+)\}", lambda m: environment.get(m.group(1), ""), command)
    words = []
    for word in shlex.split(command):
        whole = re.fullmatch(r"\$(\w+)", word)
        words.extend(environment.get(whole.group(1), "").split() if whole else [word])
    return words


def run_service(units, promtool, folder):
    settings = unit_settings(units["service"])
    environment = {}
    for key, value in settings:
        if key == "Environment":
            name, _, text = value.partition("=")
            environment[name] = text
    success = {0} | {int(v) for key, value in settings if key == "SuccessExitStatus"
                     for v in value.split()}
    check(("DynamicUser", "yes") in settings, "the service does not run as a dynamic user")
    check(("CapabilityBoundingSet", "") in settings, "the service keeps capabilities")

    state_root = os.path.join(folder, "var-lib")
    state = os.path.join(state_root, "netdiag")
    textfiles = os.path.join(folder, "textfile")
    os.makedirs(state)
    os.makedirs(textfiles)  # root's and 0755, as Debian ships /var/lib/prometheus/node-exporter
    os.chmod(folder, 0o755)
    os.chown(state, UNPRIVILEGED, UNPRIVILEGED)  # StateDirectory= belongs to the service's user
    environment["NETDIAG_TEXTFILE_DIR"] = textfiles

    commands = [(key, value) for key, value in settings if key in ("ExecStart", "ExecStartPost")]
    check([k for k, _ in commands] == ["ExecStart", "ExecStartPost"],
          f"expected one ExecStart and one ExecStartPost, got {[k for k, _ in commands]}")
    for key, value in commands:
        privileged = value.startswith("+")
        command = expand(value.lstrip("+"), environment, state_root)
        words = command if privileged else [
            "setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", *command]
        started = time.monotonic()
        proc = subprocess.run(words, capture_output=True, text=True, timeout=300, cwd=folder)
        who = "as root" if privileged else f"as uid {UNPRIVILEGED} without capabilities"
        print(f"{key} ({who}): {shlex.join(command)} -> exit {proc.returncode} in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        if not check(proc.returncode in success,
                     f"{key} exited {proc.returncode}: {proc.stderr.strip()}"):
            return

    report_path = os.path.join(state, "report.json")
    metrics_path = os.path.join(textfiles, "netdiag.prom")
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    check(report["probes"] and report["probes"][0]["id"] == "host", "report without the host probe")
    check(os.stat(report_path).st_uid == UNPRIVILEGED, "report.json not written by the service's user")
    mode = os.stat(metrics_path).st_mode & 0o777
    check(mode & 0o004, f"netdiag.prom is not readable by node_exporter's user (mode {mode:o})")
    check(sorted(os.listdir(textfiles)) == ["netdiag.prom"],
          f"textfile directory holds more than the metrics: {os.listdir(textfiles)}")
    with open(metrics_path, encoding="utf-8") as f:
        text = f.read()
    for probe in report["probes"]:
        check(f'netdiag_probe_status{{probe="{probe["id"]}",status="{probe["status"]}"}} 1'
              in text, f"metrics lack the status of {probe['id']}")
    if promtool:
        with open(metrics_path, "rb") as f:
            proc = subprocess.run([promtool, "check", "metrics"], stdin=f, capture_output=True,
                                  text=True, timeout=60)
        check(proc.returncode == 0, f"promtool check metrics: {proc.stdout}{proc.stderr}")
    statuses = " ".join(f"{p['id']}={p['status']}" for p in report["probes"])
    print(f"the unprivileged run probed: {statuses}", flush=True)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__)
        return 2
    binary, source_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    man_page = sys.argv[3] if len(sys.argv) == 4 else None
    analyze = capability.need_program("systemd-analyze", "systemd-analyze", "systemd")
    capability.need_program("setpriv", "setpriv", "util-linux")
    if os.geteuid() != 0:
        capability.skip("root", "running the service's commands as another user needs root")
    promtool = shutil.which("promtool")
    with tempfile.TemporaryDirectory(prefix="netdiag-systemd-") as folder:
        units = make_units(binary, source_dir, folder)
        verify(analyze, units, man_page, folder)
        run_service(units, promtool, folder)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
