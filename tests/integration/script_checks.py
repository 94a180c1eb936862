"""What the fleet and metrics script tests share: checks recorded as they fail, daemons waited for
by what they say when they are ready (never by polling a port), and a scrape over loopback."""
import socket
import subprocess
import threading
import urllib.request

failures = []


def check(condition, message):
    """Records a failed check and says so at once; returns the condition."""
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)
    return condition


def verdict():
    """The script's exit status: 1 when any check failed."""
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


def free_loopback_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    """GET /metrics from 127.0.0.1:port, straight to loopback (no proxy from the environment)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return response.read().decode("utf-8")


class Daemon:
    """A server process whose output (stdout and stderr) is read line by line, copied to
    `log_path`, and watched for `ready_text`: `ready` is true once it appeared, false when the
    process ended or `deadline_s` passed first."""

    def __init__(self, argv, ready_text, deadline_s, log_path=None):
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, errors="replace")
        self._ready_text = ready_text
        self._event = threading.Event()
        self._seen = False
        self._log = open(log_path, "w") if log_path else None
        self.output = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._event.wait(deadline_s)
        self.ready = self._seen

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            if self._log:
                self._log.write(line)
                self._log.flush()
            if self._ready_text in line:
                self._seen = True
                self._event.set()
        self._event.set()  # the output ended: the process is gone

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        if self._log:
            self._log.close()

    def text(self):
        return "".join(self.output)
