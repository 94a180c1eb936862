#!/usr/bin/env python3
"""The Ansible path of docs/fleet.md, run for real against a fleet made of network namespaces.

Three hosts, each a network namespace with its own sshd (Debian's openssh-server) on its own
address, its own host name (a UTS namespace) and its own /tmp, /run and /usr/local/bin (a
mount namespace with tmpfs mounts, so nothing is installed on this machine). A controller
namespace joins them with a bridge; Ansible (Debian's ansible) runs there and reaches the hosts
only over that bridge. node-a and node-c are healthy; node-b has a fault the multicast probe
finds (its kernel refuses every multicast group membership: net.ipv4.igmp_max_memberships=0).

The test runs the shell block of docs/fleet.md's Ansible section as written (copy the binary,
`probe --all` on every host, fetch the reports, `netdiag merge`) and checks that the merged
summary names node-b, and only node-b, for every finding at warning or above.

Usage: fleet_ansible.py NETDIAG SOURCE_DIR
Exit 0 passed, 1 failed, 77 skipped (not root, or ansible, sshd or ip netns missing).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capability  # noqa: E402
import script_checks  # noqa: E402
from script_checks import Daemon, check, verdict  # noqa: E402

SUBNET = "10.77.0"  # exists only inside the namespaces made here
HOSTS = {"node-a": 11, "node-b": 12, "node-c": 13}
FAULTY = "node-b"
# Findings that follow a measurement rather than judge a fact: the three hosts share this
# machine's cores and run their probes at once, so while another host's accept workers are busy
# one host's batched sends can come out slower than its single sends (ND-UDP-008) or its
# loopback receiver can fall behind and drop datagrams (ND-UDP-005). They may name any host;
# every other finding at warning or above must name node-b alone.
MEASURED = {"ND-UDP-005", "ND-UDP-008", "ND-ACCEPT-002"}
DEADLINE_S = 540  # the documented commands, ansible included (slow on a loaded machine)



def run(*args, timeout=30, **kwargs):
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def documented_commands(source_dir):
    """The first ```sh block of the "## Ansible" section of docs/fleet.md."""
    with open(os.path.join(source_dir, "docs", "fleet.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Ansible", 1)
    if len(section) != 2:
        raise RuntimeError("docs/fleet.md has no '## Ansible' section")
    block = re.search(r"```sh\n(.*?)```", section[1], re.S)
    if block is None:
        raise RuntimeError("docs/fleet.md's Ansible section has no ```sh block")
    return block.group(1)


class Fleet:
    """The namespaces, sshds and files of one test run; close() removes every one of them."""

    def __init__(self, folder):
        self.folder = folder
        self.tag = f"nd{os.getpid()}"
        self.controller = f"{self.tag}-ctl"
        self.namespaces = []
        self.sshds = []

    def ns(self, host):
        return f"{self.tag}-{host}"

    def add_namespace(self, name):
        run("ip", "netns", "add", name)
        self.namespaces.append(name)
        run("ip", "-n", name, "link", "set", "lo", "up")

    def build_network(self):
        self.add_namespace(self.controller)
        run("ip", "-n", self.controller, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.controller, "addr", "add", f"{SUBNET}.1/24", "dev", "br0")
        run("ip", "-n", self.controller, "link", "set", "br0", "up")
        for host, last in HOSTS.items():
            ns = self.ns(host)
            self.add_namespace(ns)
            # Both ends made inside the namespaces: no interface ever exists in the root one.
            peer = f"v{last}"
            run("ip", "-n", self.controller, "link", "add", peer, "type", "veth", "peer", "name",
                "eth0", "netns", ns)
            run("ip", "-n", self.controller, "link", "set", peer, "master", "br0", "up")
            run("ip", "-n", ns, "addr", "add", f"{SUBNET}.{last}/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")
            run("ip", "-n", ns, "route", "add", "default", "via", f"{SUBNET}.1")
        # The fault: this kernel (namespace) allows no multicast group membership at all.
        run("ip", "netns", "exec", self.ns(FAULTY), "sysctl", "-q", "-w",
            "net.ipv4.igmp_max_memberships=0")

    def write_ssh_files(self, sshd):
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
            os.path.join(self.folder, "id_ed25519"))
        shutil.copy(os.path.join(self.folder, "id_ed25519.pub"),
                    os.path.join(self.folder, "authorized_keys"))
        for host, last in HOSTS.items():
            home = os.path.join(self.folder, host)
            os.makedirs(home)
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                os.path.join(home, "ssh_host_ed25519_key"))
            with open(os.path.join(home, "sshd_config"), "w", encoding="utf-8") as f:
                f.write(f"""ListenAddress {SUBNET}.{last}:22
HostKey {home}/ssh_host_ed25519_key
PidFile {home}/sshd.pid
AuthorizedKeysFile {self.folder}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
""")
        self.sshd = sshd

    def start_sshds(self):
        for host, last in HOSTS.items():
            home = os.path.join(self.folder, host)
            # Own host name, and own /tmp, /run and /usr/local/bin: what Ansible installs and
            # netdiag writes stays inside this "host" and vanishes with it.
            script = (f"hostname {host} && mount -t tmpfs -o mode=755 tmpfs /usr/local/bin && "
                      "mount -t tmpfs -o mode=1777 tmpfs /tmp && "
                      "mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd && "
                      f"exec {self.sshd} -D -e -f {home}/sshd_config")
            # Ready when sshd says so (-e logs "Server listening on ..." once it has bound).
            sshd = Daemon(["ip", "netns", "exec", self.ns(host), "unshare", "--uts", "--mount",
                           "--propagation", "private", "sh", "-c", script],
                          "Server listening on", 15, log_path=os.path.join(home, "sshd.log"))
            self.sshds.append(sshd)
            if not sshd.ready:
                raise RuntimeError(f"sshd of {host} did not start: {sshd.text()}")

    def close(self):
        for sshd in self.sshds:
            sshd.stop()
        for name in reversed(self.namespaces):
            # Anything still running in a namespace was started by this test (a stray ssh or
            # netdiag): end it before the namespace goes.
            pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True,
                                  text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


def run_documented_block(fleet, binary, block):
    """The docs' commands, in the controller namespace, from a folder laid out as the docs say."""
    work = os.path.join(fleet.folder, "controller")
    os.makedirs(os.path.join(work, "build/release/src/cli"))
    os.symlink(os.path.abspath(binary), os.path.join(work, "build/release/src/cli/netdiag"))
    bin_dir = os.path.join(fleet.folder, "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(binary), os.path.join(bin_dir, "netdiag"))
    with open(os.path.join(work, "hosts.ini"), "w", encoding="utf-8") as f:
        f.write("[fleet]\n")
        for host, last in HOSTS.items():
            f.write(f"{host} ansible_host={SUBNET}.{last}\n")
        f.write(f"""[fleet:vars]
ansible_user=root
ansible_become_method=su
ansible_python_interpreter=/usr/bin/python3
ansible_ssh_private_key_file={fleet.folder}/id_ed25519
ansible_ssh_common_args=-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no
""")
    env = dict(os.environ)
    env.update({
        "PATH": f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}",
        "ANSIBLE_HOME": os.path.join(fleet.folder, "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(fleet.folder, "ansible-local"),
        "ANSIBLE_REMOTE_TEMP": "/tmp/.ansible-remote",  # the host's own /tmp
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        # No ssh master connection may outlive the test; one connection per module instead.
        "ANSIBLE_SSH_ARGS": "-o ControlMaster=no",
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORKS": "3",
    })
    # Every command must work, except that `netdiag merge` exits 1 when a host has an error
    # finding (the docs say so): the trap names the command that stopped the block.
    script = ("set -euo pipefail\n"
              "trap 'echo \"stopped by: $BASH_COMMAND (exit $?)\" >&2' ERR\n"
              "set -x\n" + block)
    started = time.monotonic()
    proc = subprocess.run(["ip", "netns", "exec", fleet.controller, "bash", "-c", script],
                          cwd=work, env=env, capture_output=True, text=True, timeout=DEADLINE_S)
    elapsed = time.monotonic() - started
    print(proc.stderr)  # set -x: each command as it ran
    print(proc.stdout, flush=True)
    print(f"the documented commands took {elapsed:.1f} s (exit {proc.returncode})", flush=True)
    return proc, work


def check_merge(binary, work, merge_output):
    reports = sorted(os.listdir(os.path.join(work, "reports")))
    check(reports == [f"{h}.json" for h in HOSTS], f"fetched reports: {reports}")
    # The summary the docs print names the faulty host.
    check(FAULTY in merge_output, f"the merged summary does not name {FAULTY}")
    proc = subprocess.run([binary, "merge", "--format", "json",
                           *[os.path.join(work, "reports", r) for r in reports]],
                          capture_output=True, text=True, timeout=60)
    check(proc.returncode == 1, f"merge --format json exited {proc.returncode} "
                                f"(1: a host has an error finding)")
    fleet = json.loads(proc.stdout)
    check(sorted(h["name"] for h in fleet["hosts"]) == sorted(HOSTS),
          f"hosts in the summary: {[h['name'] for h in fleet['hosts']]}")
    serious = [f for f in fleet["findings"] if f["severity"] in ("warning", "error")]
    check(serious, "no warning or error finding in the fleet")
    judged = [f for f in serious if f["id"] not in MEASURED]
    for finding in judged:
        check(finding["hosts"] == [FAULTY],
              f"{finding['id']} ({finding['severity']}) names {finding['hosts']}, "
              f"expected only {FAULTY}")
    for host in fleet["hosts"]:
        if host["name"] == FAULTY:
            check(host["worst"] == "error", f"{FAULTY}'s worst finding: {host['worst']}")
            continue
        healthy = all(host["name"] not in f["hosts"] for f in judged)
        check(healthy, f"{host['name']} is not healthy: {host}")
    print("findings at warning or above: " +
          ", ".join(f"{f['id']} {f['severity']} on {f['hosts']}" for f in serious), flush=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, source_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    if os.geteuid() != 0:
        capability.skip("netns", "network namespaces need root")
    capability.need_program("netns", "ip", "iproute2")
    capability.need_program("netns", "unshare", "util-linux")
    sshd = capability.need_program("sshd", "sshd", "openssh-server")
    capability.need_program("sshd", "ssh-keygen", "openssh-client")
    capability.need_program("ansible", "ansible", "ansible")
    block = documented_commands(source_dir)
    started = time.monotonic()
    # Not under /tmp: each host mounts its own /tmp, and sshd must still see its files.
    folder = tempfile.mkdtemp(prefix="netdiag-fleet-", dir="/var/tmp")
    fleet = Fleet(folder)
    try:
        try:
            fleet.build_network()
        except RuntimeError as e:
            capability.skip("netns", f"cannot make the namespaces: {e}")
        fleet.write_ssh_files(sshd)
        fleet.start_sshds()
        print(f"fleet up in {time.monotonic() - started:.1f} s: " +
              ", ".join(f"{h} {SUBNET}.{n}" for h, n in HOSTS.items()), flush=True)
        proc, work = run_documented_block(fleet, binary, block)
        last = block.rstrip().splitlines()[-1]
        merge_found_errors = (proc.returncode == 1 and last.startswith("netdiag merge") and
                              f"stopped by: {last} (exit 1)" in proc.stderr)
        if check(proc.returncode == 0 or merge_found_errors,
                 "the documented commands failed before the final merge"):
            check_merge(binary, work, proc.stdout)
    finally:
        fleet.close()
        for host in HOSTS:
            log = os.path.join(folder, host, "sshd.log")
            if script_checks.failures and os.path.exists(log):
                with open(log, encoding="utf-8", errors="replace") as f:
                    print(f"--- sshd of {host}:\n{f.read()}")
        shutil.rmtree(folder, ignore_errors=True)
    print(f"took {time.monotonic() - started:.1f} s", flush=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
