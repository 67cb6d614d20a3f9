"""Starts Debian's snmpsim on 127.0.0.1 serving a folder of .snmprec files, and stops it."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

V3_USER, V3_AUTH, V3_PRIV = "simulator", "auctoritas", "privatus"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SnmpSim:
    def __init__(self, data_dir, port=None, probe_community=None):
        self.data_dir = data_dir
        self.probe_community = probe_community or sorted(
            f[:-8] for f in os.listdir(data_dir) if f.endswith(".snmprec"))[0]
        self.port = port or free_udp_port()
        self.proc = None
        self.cache = None

    def __enter__(self):
        exe = shutil.which("snmpsimd") or shutil.which("snmpsim-command-responder")
        if exe is None:
            raise FileNotFoundError("snmpsimd (Debian package snmpsim) is not installed")
        self.cache = tempfile.mkdtemp(prefix="nl-snmpsim-")
        args = [exe, f"--data-dir={self.data_dir}", f"--cache-dir={self.cache}",
                f"--agent-udpv4-endpoint=127.0.0.1:{self.port}", "--logging-method=null",
                f"--v3-user={V3_USER}", f"--v3-auth-key={V3_AUTH}", "--v3-auth-proto=SHA",
                f"--v3-priv-key={V3_PRIV}", "--v3-priv-proto=AES"]
        if os.geteuid() == 0:
            shutil.chown(self.cache, "nobody", "nogroup")
            args += ["--process-user=nobody", "--process-group=nogroup"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)  # never leave an agent behind
            raise
        return self

    def _wait_ready(self):
        # Ready when it answers a GET (the community names a recording).
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"snmpsimd exited with {self.proc.returncode}")
            r = subprocess.run(["snmpget", "-v2c", "-c", self.probe_community, "-t", "0.5", "-r", "0", "-On",
                                f"127.0.0.1:{self.port}", "1.3.6.1.2.1.1.3.0"], capture_output=True)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("snmpsimd did not answer within 60 s")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.cache:
            shutil.rmtree(self.cache, ignore_errors=True)
