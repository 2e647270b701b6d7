"""The CPU time each side of an HTTP benchmark spends, read from /proc while a round runs.

A ratio of rates measured on a shared machine moves with the machine's load (other processes take
their share of the cores, more from one side than the other); the CPU each request costs does not.
A round is measured by a thread sampling every process of interest: the gunicorn workers (children of
the server), the PostgreSQL backends of the benchmark's database (their process title names it),
pgbench and wrk. Per request: the seconds each kind spent over the round, divided by its requests.
"""

import os
import threading
import time
from contextlib import contextmanager

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


class CpuSampler:
    """Seconds of CPU by kind: ``python`` (the server's workers), ``postgres`` (backends of ``database``),
    ``pgbench``, ``wrk``."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database
        self.first: dict[int, tuple[str, float]] = {}
        self.last: dict[int, float] = {}
        self.ignored: set[int] = set()
        self._stop = threading.Event()

    def _kind(self, pid: int) -> str | None:
        command = _command(pid)
        if command.startswith("postgres:") and f" {self.database} " in command:
            return "postgres"
        if _parent(pid) == self.server_pid:
            return "python"
        program = os.path.basename(command.split(" ", 1)[0])
        return program if program in ("pgbench", "wrk") else None

    def _sample(self) -> None:
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in self.ignored:
                continue
            pid = int(name)
            if pid not in self.first:
                kind = self._kind(pid)
                spent = _cpu(pid) if kind else None
                if spent is None:
                    # a backend names its database once its connection is set up: asked again next time
                    if "postgres" not in _command(pid).split(" ", 1)[0]:
                        self.ignored.add(pid)
                    continue
                self.first[pid] = (kind, spent)
            spent = _cpu(pid)
            if spent is not None:
                self.last[pid] = spent

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.05)

    def totals(self) -> dict[str, float]:
        spent: dict[str, float] = {}
        for pid, (kind, start) in self.first.items():
            spent[kind] = spent.get(kind, 0.0) + self.last.get(pid, start) - start
        return spent


@contextmanager
def cpu_spent(server_pid: int, database: str):
    """``with cpu_spent(pid, db) as spent: …``; afterwards ``spent`` holds the seconds by kind."""
    sampler = CpuSampler(server_pid, database)
    sampler._sample()  # the processes already running count from here
    thread = threading.Thread(target=sampler._run, daemon=True)
    thread.start()
    spent: dict[str, float] = {}
    try:
        yield spent
    finally:
        time.sleep(0.05)
        sampler._stop.set()
        thread.join()
        sampler._sample()
        spent.update(sampler.totals())


def per_request(spent: dict[str, float], requests: float) -> str:
    """``python 18.2 ms, postgres 30.1 ms``: the CPU each request cost on each side."""
    return ", ".join(
        f"{kind} {seconds / requests * 1000:.1f} ms"
        for kind, seconds in sorted(spent.items())
        if kind in ("python", "postgres") and requests
    )
