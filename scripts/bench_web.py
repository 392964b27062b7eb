#!/usr/bin/env python3
"""Load on tkt serve's web registration form (run by scripts/bench.sh --web).

Starts `tkt serve` (watching, as in use) on a copy of the benchmark tracker
with `web:` settings, then lets CLIENTS concurrent clients register TOTAL
tickets through the form (GET the form for its token, POST it), while one
more client keeps fetching static pages. Prints latency (median, p95) and
throughput of the registrations and of the static pages, and checks that
every registration got its own folio, none failed with a 5xx, and `git fsck`
is clean.

usage: bench_web.py TKT TRACKER [--total N] [--clients N]
"""

import argparse
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

FORM = "/new/technical"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def request(base, path, data=None):
    req = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    if data:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body, status = r.read().decode("utf-8", "replace"), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read().decode("utf-8", "replace"), e.code
    return status, body, (time.perf_counter() - start) * 1000


def register(base, n):
    status, page, _ = request(base, FORM)
    if status != 200:
        return status, None, 0.0
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({
        "token": token,
        "name": f"Load Client {n}",
        "email": f"load{n}@bench.example",
        "subject": f"Load test registration {n}",
        "field.device": "scanner",
        "description": f"Registered by scripts/bench_web.py, number {n}.",
        "website": "",
    }).encode()
    status, page, ms = request(base, FORM, form)
    folio = re.search(r"Ticket (\w+) registered", page)
    link = re.search(r'href="https?://[^/"]+(/t/[0-9a-f]+)"', page)
    if link:
        with LINKS_LOCK:
            LINKS.append(link.group(1))
    return status, folio.group(1) if folio else None, ms


LINKS, LINKS_LOCK = [], threading.Lock()


def follow_ups(base):
    """Opens every registered ticket's follow-up link, then as many links
    that open nothing: the server finds the ticket by the link's digest."""
    hits = [request(base, link) for link in LINKS]
    misses = [request(base, "/t/" + f"{n:032x}") for n in range(len(LINKS))]
    for name, got, want in (("opening a ticket", hits, 200), ("opening nothing", misses, 404)):
        ms = [t for s, _, t in got if s == want]
        wrong = len(got) - len(ms)
        if ms:
            print(f"follow-up link {name}: {len(ms)} requests, median {statistics.median(ms):.1f} ms, "
                  f"p95 {percentile(ms, 95):.1f} ms" + (f"; {wrong} with another status" if wrong else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tkt")
    ap.add_argument("tracker")
    ap.add_argument("--total", type=int, default=200)
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()

    serve = subprocess.Popen([args.tkt, "--dir", args.tracker, "serve", "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = serve.stdout.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        if not m:
            sys.exit(f"bench_web.py: tkt serve said {line!r}")
        base = m.group(1)

        results, lock = [], threading.Lock()
        numbers = iter(range(args.total))

        def client():
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                outcome = register(base, n)
                with lock:
                    results.append(outcome)

        static, stop = [], threading.Event()

        def reader():
            pages = ["/index.html", "/faq/index.html", "/register.html", "/new"]
            i = 0
            while not stop.is_set():
                status, _, ms = request(base, pages[i % len(pages)])
                static.append((status, ms))
                i += 1

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        watcher = threading.Thread(target=reader)
        start = time.perf_counter()
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        stop.set()
        watcher.join()
        follow_ups(base)
    finally:
        serve.terminate()
        serve.wait(timeout=30)

    statuses = [s for s, _, _ in results]
    folios = [f for _, f, _ in results if f]
    latencies = [ms for s, _, ms in results if s == 200]
    fsck = subprocess.run(["git", "-C", args.tracker, "fsck", "--strict"], capture_output=True, text=True)
    five = sum(1 for s in statuses if s >= 500) + sum(1 for s, _ in static if s >= 500)
    print(f"registrations: {len(folios)} of {args.total} from {args.clients} clients in {elapsed:.1f} s "
          f"({len(folios) / elapsed:.1f}/s); distinct folios {len(set(folios))}; "
          f"statuses {sorted(set(statuses))}; 5xx {five}")
    if latencies:
        print(f"registration POST latency: median {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms, max {max(latencies):.0f} ms")
    ok_static = [ms for s, ms in static if s == 200]
    if ok_static:
        print(f"static pages meanwhile: {len(ok_static)} served, median {statistics.median(ok_static):.0f} ms, "
              f"p95 {percentile(ok_static, 95):.0f} ms")
    print(f"git fsck --strict: {'clean' if fsck.returncode == 0 else 'FAILED: ' + fsck.stderr[:500]}")
    good = (len(folios) == args.total and len(set(folios)) == args.total and five == 0
            and fsck.returncode == 0)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
