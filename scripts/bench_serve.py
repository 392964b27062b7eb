#!/usr/bin/env python3
"""Times `tkt serve`'s rebuild after one reply changes.

Usage: scripts/bench_serve.py TKT_BINARY TRACKER FOLIO [--runs N]

Starts `tkt serve --port 0` on TRACKER (a copy: the script edits it), then N
times appends a line to the newest reply of FOLIO and measures
  - rebuild: what serve reports ("Rebuilt in X ms": reload, render, write),
  - visible: from the file write until /__tkt/version moves, as an open page
    sees it (includes the debounce that waits for the burst to settle).
Prints the two medians in milliseconds as `rebuild_ms visible_ms`.
"""
import glob
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


def main():
    tkt, tracker, folio = sys.argv[1:4]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 10
    out = os.path.join(os.path.dirname(os.path.abspath(tracker)), "serve-site")
    subprocess.run(["rm", "-rf", out], check=True)
    server = subprocess.Popen([tkt, "--dir", tracker, "serve", "--port", "0", "--out", out],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://\S+/", server.stdout.readline()).group(0)
        rebuilds = []
        threading.Thread(target=collect, args=(server.stderr, rebuilds), daemon=True).start()
        version = lambda: urllib.request.urlopen(url + "__tkt/version").read()
        reply = sorted(glob.glob(os.path.join(tracker, "tickets", folio, "replies", "*.md")))[-1]
        visible = []
        for i in range(runs):
            before, seen = version(), len(rebuilds)
            start = time.perf_counter()
            with open(reply, "a", encoding="utf-8") as f:
                f.write(f"\nEdited by bench_serve.py, run {i}.\n")
            while version() == before:
                time.sleep(0.002)
            visible.append((time.perf_counter() - start) * 1000)
            while len(rebuilds) == seen:
                time.sleep(0.01)
            time.sleep(0.3)
        print(f"{statistics.median(rebuilds):.0f} {statistics.median(visible):.0f}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def collect(stream, rebuilds):
    for line in stream:
        m = re.match(r"Rebuilt in (\d+) ms", line)
        if m:
            rebuilds.append(int(m.group(1)))


if __name__ == "__main__":
    main()
