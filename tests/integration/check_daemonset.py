#!/usr/bin/env python3
"""The Kubernetes DaemonSet of docs/fleet.md (packaging/kubernetes/netdiag-daemonset.yaml),
checked against the real netdiag and node_exporter instead of a cluster:

1. The manifest parses; the DaemonSet runs netdiag on the node's network with every
   capability dropped, as a non-root user; the sidecar serves the volume netdiag writes.
2. The netdiag container's script runs here as that user, with the volumes' mount paths
   mapped to folders: its first round writes the JSON report and a metrics file (so every
   netdiag command line in it is one the CLI accepts), and SIGTERM ends it at once, exit 0.
3. The sidecar's command line, started here on a loopback port (node_exporter), serves the
   metrics that round wrote.

Usage: check_daemonset.py NETDIAG SOURCE_DIR
Exit 0 passed, 1 failed, 77 skipped (python3-yaml or node_exporter missing; see capability.py).
"""
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capability  # noqa: E402
from script_checks import check, verdict  # noqa: E402
from script_checks import Daemon, free_loopback_port, scrape  # noqa: E402

try:
    import yaml
except ImportError:
    capability.skip("yaml", "python3-yaml is not installed (apt-get install python3-yaml)")



def load_daemonset(source_dir):
    path = os.path.join(source_dir, "packaging", "kubernetes", "netdiag-daemonset.yaml")
    with open(path, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    daemonsets = [d for d in documents if d.get("kind") == "DaemonSet"]
    if not check(len(daemonsets) == 1, f"{len(daemonsets)} DaemonSets in {path}"):
        sys.exit(1)
    # docs/fleet.md shows this file; it must not carry another copy of the manifest.
    with open(os.path.join(source_dir, "docs", "fleet.md"), encoding="utf-8") as f:
        check("kind: DaemonSet" not in f.read(), "docs/fleet.md holds its own DaemonSet copy")
    return daemonsets[0]


def container(pod, name):
    matches = [c for c in pod["containers"] if c["name"] == name]
    if not check(len(matches) == 1, f"no container named {name}"):
        sys.exit(1)
    return matches[0]


def mounts(c):
    return {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}


def check_shape(pod, netdiag_c, sidecar):
    check(pod.get("hostNetwork") is True, "netdiag must see the node's network (hostNetwork)")
    for c in (netdiag_c, sidecar):
        context = c.get("securityContext", {})
        check(context.get("runAsNonRoot") is True and context.get("runAsUser", 0) != 0,
              f"{c['name']} may run as root")
        check(context.get("capabilities", {}).get("drop") == ["ALL"],
              f"{c['name']} keeps capabilities")
        check(context.get("allowPrivilegeEscalation") is False,
              f"{c['name']} allows privilege escalation")
    textfile = [a.split("=", 1)[1] for a in sidecar["args"]
                if a.startswith("--collector.textfile.directory=")]
    check(len(textfile) == 1, "the sidecar names no textfile directory")
    shared = [name for name, path in mounts(sidecar).items() if textfile and path == textfile[0]]
    check(len(shared) == 1 and shared[0] in mounts(netdiag_c),
          "the sidecar's textfile directory is not a volume the netdiag container mounts")
    script = netdiag_c["args"][0]
    outputs = re.findall(r"--format openmetrics -o (\S+)", script)
    check(len(outputs) == 1 and shared and
          os.path.dirname(outputs[0]) == mounts(netdiag_c)[shared[0]],
          f"netdiag writes its metrics to {outputs}, not into the shared volume")
    listen = [a.split("=", 1)[1] for a in sidecar["args"] if a.startswith("--web.listen-address=")]
    return listen[0].rsplit(":", 1)[1] if listen else None


def run_netdiag_container(binary, netdiag_c, folder):
    """The container's script, once round, as its user, with mount paths mapped to folders."""
    script = netdiag_c["args"][0]
    check(netdiag_c["command"] == ["/bin/sh", "-c"], f"command is {netdiag_c['command']}")
    volumes = {}
    for name, path in mounts(netdiag_c).items():
        if name.startswith("host-"):
            volumes[path] = path  # a file of the node: this machine's own
            continue
        volumes[path] = os.path.join(folder, name)
        os.makedirs(volumes[path])
        os.chown(volumes[path], 65534, 65534)
    for path, local in sorted(volumes.items(), key=lambda item: -len(item[0])):
        script = re.sub(rf'(?<![\w/]){re.escape(path)}(?=/|"|\s|$)', local, script)
    env = {"PATH": f"{os.path.join(folder, 'bin')}:/usr/bin:/bin", "NODE_NAME": "node-a"}
    for item in netdiag_c.get("env", []):
        if "value" in item:
            env[item["name"]] = volumes.get(item["value"], item["value"])
    os.makedirs(os.path.join(folder, "bin"))
    os.symlink(os.path.abspath(binary), os.path.join(folder, "bin", "netdiag"))
    user = netdiag_c["securityContext"]["runAsUser"]
    process = subprocess.Popen(
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--inh-caps=-all",
         "--bounding-set=-all", "--no-new-privs", "/bin/sh", "-c", script],
        env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first_line = ""
    try:
        # Ready when the first round says so (a readiness line, not a guess at time).
        deadline = time.monotonic() + 120
        while not first_line and time.monotonic() < deadline:
            readable, _, _ = select.select([process.stdout], [], [], 1.0)
            if not readable:
                continue
            line = process.stdout.readline()
            if not line:
                break  # the script ended
            print(f"container: {line.rstrip()}", flush=True)
            if "next run in" in line:
                first_line = line
        check(re.match(r"netdiag exit [01]; next run in 900 s", first_line),
              f"the first round said {first_line!r}")
        started = time.monotonic()
        process.terminate()
        code = process.wait(timeout=10)
        check(code == 0, f"the script exited {code} on SIGTERM")
        print(f"SIGTERM ended the script in {time.monotonic() - started:.2f} s, exit {code}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    report = os.path.join(volumes["/reports"], "node-a.json")
    if check(os.path.exists(report), "the round wrote no report"):
        with open(report, encoding="utf-8") as f:
            host = json.load(f)["host"]
        # The report describes the node's network: its interfaces with their addresses (a
        # fixture root, NETDIAG_SYSROOT, would have left every interface without one).
        loopback = [i for i in host["interfaces"] if i["name"] == "lo"]
        check(loopback and any(a["address"] == "127.0.0.1" for a in loopback[0]["addresses"]),
              "the container's report sees no address on lo")
    metrics = os.path.join(volumes["/metrics"], "netdiag.prom")
    check(os.path.exists(metrics), "the round wrote no metrics")
    return volumes["/metrics"]


def run_sidecar(node_exporter, sidecar, metrics_dir, pod_port):
    port = free_loopback_port()
    args = []
    for a in sidecar["args"]:
        if a.startswith("--web.listen-address="):
            a = f"--web.listen-address=127.0.0.1:{port}"  # loopback only, a free port
        elif a.startswith("--collector.textfile.directory="):
            a = f"--collector.textfile.directory={metrics_dir}"
        args.append(a)
    # node_exporter logs "Listening on" once its socket is open.
    sidecar_process = Daemon([node_exporter, *args], "Listening on", 15)
    try:
        if not check(sidecar_process.ready,
                     f"the sidecar's command does not listen: {sidecar_process.text()}"):
            return
        text = scrape(port)
    finally:
        sidecar_process.stop()
    served = [line for line in text.splitlines() if line.startswith("netdiag_probe_status{")]
    check(len(served) >= 5, f"the sidecar serves {len(served)} netdiag_probe_status series")
    check("node_textfile_scrape_error 0" in text, "the sidecar could not read netdiag.prom")
    check(not re.search(r"^node_cpu", text, re.M), "the sidecar exposes more than the textfile")
    print(f"the sidecar's command line served {len(served)} probe status series "
          f"(pod port {pod_port})", flush=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, source_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    node_exporter = capability.need_program("node_exporter", "prometheus-node-exporter",
                                            "prometheus-node-exporter")
    capability.need_program("setpriv", "setpriv", "util-linux")
    if os.geteuid() != 0:
        capability.skip("root", "running the container's script as its user needs root")
    daemonset = load_daemonset(source_dir)
    template = daemonset["spec"]["template"]
    pod = template["spec"]
    netdiag_c = container(pod, "netdiag")
    sidecar = container(pod, "metrics")
    port = check_shape(pod, netdiag_c, sidecar)
    annotations = template.get("metadata", {}).get("annotations", {})
    check(annotations.get("prometheus.io/port") == port, "the scrape annotation names another port")
    check(any(p.get("containerPort") == int(port or 0) for p in sidecar.get("ports", [])),
          "the sidecar does not declare its port")
    with tempfile.TemporaryDirectory(prefix="netdiag-daemonset-") as folder:
        os.chmod(folder, 0o755)
        metrics_dir = run_netdiag_container(binary, netdiag_c, folder)
        if os.path.exists(os.path.join(metrics_dir, "netdiag.prom")):
            run_sidecar(node_exporter, sidecar, metrics_dir, port)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
