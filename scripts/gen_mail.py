#!/usr/bin/env python3
"""Writes an mbox of varied mail for benchmarking `tkt mail import`
(scripts/bench.sh --mail): new tickets from known requesters and from new
addresses, replies threading by In-Reply-To/References to earlier mails of
the box, replies by a [TKT…] subject token to tickets already in the
tracker (from their requesters), a few with small attachments or HTML
only, and exact duplicates of earlier mails.

Usage: gen_mail.py OUT.mbox --tickets TICKETS.json [--count N] [--seed N]
       [--domain ortega-lindqvist.example]
TICKETS.json: `tkt list --all --format json` of the tracker (id, requester).
"""
import argparse
import base64
import json
import random

SUBJECTS = [
    "Scanner jams on A3 paper", "VPN drops every few minutes", "Printer on floor {n} offline",
    "Cannot open the case file", "Password reset link expired", "Laptop battery drains overnight",
    "Phone extension {n} has no dial tone", "Shared drive is read-only", "Outlook keeps asking for a password",
    "Monitor flickers", "Need access to the evidence folder", "Interpreter booking for case {n}",
]
BODIES = [
    "Hello,\n\n{s} since this morning. I restarted twice; no change.\n\nThanks,\n{name}",
    "Hi team,\n\nSince yesterday: {s}. It blocks my work on case {n}.\n\nBest regards\n{name}",
    "{s}.\n\nSteps: open it, wait, error {n}.\n\n-- \n{name}\nOrtega & Lindqvist",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tickets", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--domain", default="ortega-lindqvist.example")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    tickets = [t for t in json.load(open(a.tickets)) if t.get("status") not in ("closed",)]
    known = ["rita", "sam", "tomas", "uma", "wen", "yusuf", "zoe"]
    newcomers = [f"staff{n:03d}" for n in range(120)]
    sent = []  # (message id, sender, subject) of new-ticket mails in the box
    raws = []
    counts = {"new": 0, "reply by In-Reply-To": 0, "reply by token": 0, "duplicate": 0}
    for i in range(a.count):
        date = f"Mon, 16 Mar 2026 {8 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000"
        mid = f"bench-{a.seed}-{i}@mail.{a.domain}"
        roll = rnd.random()
        if roll < 0.10 and raws:
            raws.append(rnd.choice(raws))
            counts["duplicate"] += 1
            continue
        if roll < 0.30 and sent:
            parent, who, subject = rnd.choice(sent)
            raws.append(mail(who, a.domain, mid, date, "Re: " + subject,
                             f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n",
                             f"Still happening, see above.\n\nOn Monday, {who} wrote:\n> {subject}\n> more"))
            counts["reply by In-Reply-To"] += 1
            continue
        if roll < 0.40 and tickets:
            t = rnd.choice(tickets)
            raws.append(mail(t["requester"], a.domain, mid, date, f"Re: [{t['id']}] {t['subject']}", "",
                             "Any news on this one?\n\n-- \nSent from my phone"))
            counts["reply by token"] += 1
            continue
        who = rnd.choice(known) if rnd.random() < 0.6 else rnd.choice(newcomers)
        n = rnd.randint(1, 999)
        subject = rnd.choice(SUBJECTS).format(n=n)
        body = rnd.choice(BODIES).format(s=subject, n=n, name=who.title())
        kind = rnd.random()
        if kind < 0.1:
            raws.append(with_attachment(who, a.domain, mid, date, subject, body, rnd))
        elif kind < 0.2:
            raws.append(mail(who, a.domain, mid, date, subject, "",
                             "<html><body><p>" + body.replace("\n\n", "</p><p>") + "</p></body></html>",
                             ctype="text/html"))
        else:
            raws.append(mail(who, a.domain, mid, date, subject, "", body))
        sent.append((mid, who, subject))
        counts["new"] += 1
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        for raw in raws:
            f.write("From bench@localhost Mon Mar 16 09:00:00 2026\n")
            f.write(raw.replace("\nFrom ", "\n>From "))
            f.write("\n")
    print(", ".join(f"{v} {k}" for k, v in counts.items()))


def mail(who, domain, mid, date, subject, headers, body, ctype="text/plain"):
    return (f"From: {who.title()} <{who}@{domain}>\nTo: helpdesk@{domain}\nSubject: {subject}\n"
            f"Date: {date}\nMessage-ID: <{mid}>\n{headers}MIME-Version: 1.0\n"
            f"Content-Type: {ctype}; charset=utf-8\n\n{body}\n")


def with_attachment(who, domain, mid, date, subject, body, rnd):
    data = base64.encodebytes(bytes(rnd.getrandbits(8) for _ in range(20000))).decode()
    return (f"From: {who.title()} <{who}@{domain}>\nTo: helpdesk@{domain}\nSubject: {subject}\n"
            f"Date: {date}\nMessage-ID: <{mid}>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"bench\"\n\n"
            f"--bench\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
            "--bench\nContent-Type: application/octet-stream; name=\"log.bin\"\n"
            "Content-Disposition: attachment; filename=\"log.bin\"\nContent-Transfer-Encoding: base64\n\n"
            f"{data}--bench--\n")


if __name__ == "__main__":
    main()
