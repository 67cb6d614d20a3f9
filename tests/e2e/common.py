"""Helpers shared by the whole-pipeline tests: run the netledger binary, read its JSON."""
import json
import os
import subprocess

SKIP = 77


class Netledger:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir

    def run(self, *args, timeout=300, **kw):
        return subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=timeout, **kw)

    def db(self, name):
        return os.path.join(self.workdir, name)

    def replay(self, files, db, *extra):
        return self.run("replay", "-q", *files, "--db", db, *extra)

    KEYS = {"health": "findings"}

    def report(self, kind, db, *extra):
        r = self.run("report", kind, "--db", db, "--top", "0", "--format", "json", *extra)
        if r.returncode != 0:
            raise AssertionError(f"report {kind} failed: {r.stderr}")
        return json.loads(r.stdout)[self.KEYS.get(kind, kind)]


class Checks:
    """Collects failed expectations and prints a summary; exit status 1 if any failed."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            print("FAIL: " + what)

    def equal(self, got, want, what):
        self.check(got == want, f"{what}: expected {want!r}, got {got!r}")

    def finish(self):
        print(f"{self.passed} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0
