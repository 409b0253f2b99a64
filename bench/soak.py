#!/usr/bin/env python3
"""Hostile-connection soak for `m365doctor serve` (loopback only, bounded).

Holds NOREAD connections that pipeline `GET /assets/app.js` and never read
an answer, and SLOW connections that send a header line every 2 s and never
finish their headers (slowloris). Both kinds reconnect when the server drops
them, so the pressure stays for the whole run. Meanwhile two probers, each
on a fresh connection every 250 ms, ask `GET /healthz` and
`POST /api/v1/diagnose` with a one-line paste, and time the full answer.

Usage: soak.py PORT SERVER_PID [SECONDS] [NOREAD] [SLOW]
Prints one block of figures; exit status 0 whatever they are (the caller
judges them).
"""

import http.client
import multiprocessing
import os
import select
import socket
import statistics
import sys
import threading
import time

HOST = "127.0.0.1"
PROBE_EVERY = 0.25
PROBE_TIMEOUT = 5.0
# What a hung-up socket reports without being read.
HANGUP = select.POLLHUP | select.POLLERR | getattr(select, "POLLRDHUP", 0x2000)


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def vm(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Attackers:
    """Keeps `count` hostile connections of one kind open until `stop`, in
    a process of its own, so that the probers' timings do not wait for it."""

    def __init__(self, port, count, first, every, more, stop):
        self.port, self.count = port, count
        self.first, self.every, self.more = first, every, more
        self.stop = stop
        self.socks = {}  # fd -> (socket, next send time, sends)
        self.connects = 0
        self.failed_connects = 0
        self.drops = 0
        self.open_samples = []

    def connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.2)
        try:
            s.connect((HOST, self.port))
            s.setblocking(False)
            s.send(self.first)
        except OSError:
            s.close()
            self.failed_connects += 1
            return
        self.connects += 1
        self.socks[s.fileno()] = [s, time.monotonic() + self.every, 0]

    def drop(self, fd):
        s = self.socks.pop(fd)[0]
        s.close()
        self.drops += 1

    def run(self):
        poller = select.poll()
        registered = set()
        while not self.stop.is_set():
            started = time.monotonic()
            while len(self.socks) < self.count and time.monotonic() - started < 0.5:
                self.connect()
            for fd in list(registered - set(self.socks)):
                poller.unregister(fd)
                registered.discard(fd)
            for fd in set(self.socks) - registered:
                poller.register(fd, HANGUP)
                registered.add(fd)
            for fd, _ in poller.poll(0):
                if fd in self.socks:
                    poller.unregister(fd)
                    registered.discard(fd)
                    self.drop(fd)
            now = time.monotonic()
            for fd, entry in list(self.socks.items()):
                s, due, sends = entry
                if now < due:
                    continue
                entry[1] = now + self.every
                entry[2] = sends + 1
                try:
                    s.send(self.more(sends))
                except BlockingIOError:
                    pass  # the server reads no more: exactly what is meant
                except OSError:
                    poller.unregister(fd)
                    registered.discard(fd)
                    self.drop(fd)
            self.open_samples.append(len(self.socks))
            self.stop.wait(0.1)
        for s, _, _ in self.socks.values():
            s.close()

    def report(self):
        held = statistics.median(self.open_samples) if self.open_samples else 0
        return (
            f"open (median) {held:.0f}/{self.count}, connects {self.connects}, "
            f"dropped by server {self.drops}, connects failed/timed out {self.failed_connects}"
        )


def attack(kind, port, count, stop, results):
    host = f"{HOST}:{port}".encode()
    if kind == "non-reading":
        pipelined = b"GET /assets/app.js HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
        a = Attackers(port, count, pipelined * 64, 1.0, lambda n: pipelined * 64, stop)
    else:
        a = Attackers(
            port,
            count,
            b"GET /healthz HTTP/1.1\r\nHost: " + host + b"\r\n",
            2.0,
            lambda n: b"X-Slow-%d: 1\r\n" % n,
            stop,
        )
    a.run()
    results.put((kind, a.report()))


class Prober(threading.Thread):
    def __init__(self, port, name, method, path, body, until):
        super().__init__(daemon=True)
        self.port, self.name = port, name
        self.method, self.path, self.body = method, path, body
        self.until = until
        self.results = []  # (ok, seconds)
        self.connects = []  # seconds until the TCP connection was set up

    def once(self):
        started = time.monotonic()
        connected = None
        ok = False
        try:
            c = http.client.HTTPConnection(HOST, self.port, timeout=PROBE_TIMEOUT)
            c.connect()
            connected = time.monotonic() - started
            headers = {"Connection": "close"}
            if self.body is not None:
                headers["Content-Type"] = "text/plain; charset=utf-8"
            c.request(self.method, self.path, body=self.body, headers=headers)
            r = c.getresponse()
            data = r.read()
            ok = r.status == 200 and len(data) > 0
            c.close()
        except (OSError, http.client.HTTPException):
            pass
        self.connects.append(connected if connected is not None else PROBE_TIMEOUT)
        return ok, time.monotonic() - started

    def run(self):
        tick = time.monotonic()
        while tick < self.until:
            self.results.append(self.once())
            tick += PROBE_EVERY
            while tick < time.monotonic():
                tick += PROBE_EVERY  # a slow probe skips the ticks it missed
            time.sleep(max(0.0, tick - time.monotonic()))


def main():
    port = int(sys.argv[1])
    pid = int(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    noread = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    slow = int(sys.argv[5]) if len(sys.argv) > 5 else 300
    stop = multiprocessing.Event()
    results = multiprocessing.Queue()
    attackers = [
        multiprocessing.Process(target=attack, args=(kind, port, n, stop, results))
        for kind, n in (("non-reading", noread), ("slow-header", slow))
    ]
    for a in attackers:
        a.start()
    time.sleep(2.0)  # let both kinds take their places
    cpu_before = cpu_seconds(pid)
    until = time.monotonic() + seconds
    probers = [
        Prober(port, "GET /healthz", "GET", "/healthz", None, until),
        Prober(
            port,
            "POST /api/v1/diagnose (one line)",
            "POST",
            "/api/v1/diagnose",
            b"Error code: 0xCAA70004 Teams sign-in failed\n",
            until,
        ),
    ]
    for p in probers:
        p.start()
    for p in probers:
        p.join()
    cpu = cpu_seconds(pid) - cpu_before
    stop.set()
    reports = dict(results.get(timeout=30) for _ in attackers)
    for a in attackers:
        a.join()

    print(f"soak: {seconds:.0f} s, {noread} non-reading + {slow} slow-header connections")
    for kind in ("non-reading", "slow-header"):
        print(f"  {kind:12} {reports[kind]}")
    for p in probers:
        total = len(p.results)
        answered = sum(1 for ok, _ in p.results if ok)
        within = sum(1 for ok, t in p.results if ok and t <= 1.0)
        times = sorted(t for _, t in p.results)
        median = statistics.median(times) * 1000 if times else 0
        worst = times[-1] * 1000 if times else 0
        print(
            f"  {p.name:34} answered {answered}/{total}, within 1 s {within}/{total}, "
            f"median {median:.1f} ms, max {worst:.1f} ms "
            f"(connecting: max {max(p.connects, default=0) * 1000:.1f} ms)"
        )
    hwm = vm(pid, "VmHWM")
    rss = vm(pid, "VmRSS")
    print(f"  server CPU during the probes {cpu:.1f} s ({100 * cpu / seconds:.0f}% of one core)")
    print(f"  server peak RSS (VmHWM) {hwm / 1024:.1f} MiB, RSS now {rss / 1024:.1f} MiB"
          if hwm and rss else "  server memory: unavailable")


if __name__ == "__main__":
    main()
