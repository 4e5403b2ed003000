#!/usr/bin/env python3
"""New mail on a big folder: the time from the moment the test Dovecot
has accepted a message by LMTP until it is seen.

    benches/idle_latency.py postel --env ENV --user big100k -- postel sync big100k --watch
    benches/idle_latency.py imaplib --env ENV --user big100k --password bigpass

`postel`: runs the given command (a `postel sync --watch`), waits until it
says it is watching, delivers one message and waits for the `new:` line it
prints once the message is in its store. `imaplib`: the reference, a bare
IMAP IDLE client on the same folder that stops at the server's EXISTS (it
stores nothing). Each run starts its own watcher, so the two never compete
for the CPU. Prints one JSON line: the seconds of each run.
"""

import argparse
import imaplib
import json
import os
import selectors
import smtplib
import ssl
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage


def env_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v.strip('"')
    return values


def deliver(env, user, subject):
    """Delivers one message; returns when Dovecot has stored it."""
    msg = EmailMessage()
    msg["From"] = "bench@" + env["POSTEL_TEST_DOMAIN"]
    msg["To"] = "%s@%s" % (user, env["POSTEL_TEST_DOMAIN"])
    msg["Subject"] = subject
    msg.set_content("One new message on a big folder.\n")
    # Straight into Dovecot by LMTP: Postfix's queue would add its own
    # scheduling delay (about 0.5 s here) to both sides.
    with smtplib.LMTP(env["POSTEL_TEST_HOST"], int(env["POSTEL_TEST_LMTP_PORT"])) as lmtp:
        lmtp.send_message(msg)
    return time.perf_counter()


def lines_until(proc, stream, wanted, deadline):
    """Reads `stream` of `proc` until a line contains `wanted`; returns the time."""
    sel = selectors.DefaultSelector()
    sel.register(stream, selectors.EVENT_READ)
    buf = b""
    while time.perf_counter() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.perf_counter())):
            break
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            raise SystemExit("the watcher ended early (exit %s)" % proc.poll())
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if wanted in line.decode(errors="replace"):
                return time.perf_counter()
    raise SystemExit("no line with %r within the time limit" % wanted)


def run_postel(env, args):
    proc = subprocess.Popen(args.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines_until(proc, proc.stderr, "watching", time.perf_counter() + 120)
        # IDLE is entered right after "watching" is printed; let it settle.
        time.sleep(0.5)
        subject = "idle-bench " + uuid.uuid4().hex
        sent = deliver(env, args.user, subject)
        seen = lines_until(proc, proc.stdout, subject, sent + 60)
        return seen - sent
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_imaplib(env, args):
    ctx = ssl.create_default_context(cafile=env["POSTEL_TEST_CA"])
    imap = imaplib.IMAP4_SSL("localhost", int(env["POSTEL_TEST_IMAPS_PORT"]), ssl_context=ctx)
    try:
        imap.login(args.user, args.password)
        typ, data = imap.select("INBOX")
        exists = int(data[0])
        tag = imap._new_tag().decode()
        imap.send(("%s IDLE\r\n" % tag).encode())
        if not imap.readline().startswith(b"+"):
            raise SystemExit("IDLE refused")
        time.sleep(0.5)
        sent = deliver(env, args.user, "idle-bench " + uuid.uuid4().hex)
        imap.sock.settimeout(60)
        while True:
            line = imap.readline()
            if not line:
                raise SystemExit("the server closed the connection")
            parts = line.split()
            if len(parts) >= 3 and parts[2] == b"EXISTS" and int(parts[1]) > exists:
                seen = time.perf_counter()
                break
        imap.send(b"DONE\r\n")
        return seen - sent
    finally:
        try:
            imap.logout()
        except Exception:
            pass


def remove_bench_mail(env, args):
    """Expunges what the runs delivered, so the mailbox keeps its size."""
    ctx = ssl.create_default_context(cafile=env["POSTEL_TEST_CA"])
    imap = imaplib.IMAP4_SSL("localhost", int(env["POSTEL_TEST_IMAPS_PORT"]), ssl_context=ctx)
    try:
        imap.login(args.user, args.password)
        imap.select("INBOX")
        typ, data = imap.uid("SEARCH", None, "FROM", '"bench@%s"' % env["POSTEL_TEST_DOMAIN"])
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        if uids:
            imap.uid("STORE", b",".join(uids).decode(), "+FLAGS.SILENT", "(\\Deleted)")
            imap.uid("EXPUNGE", b",".join(uids).decode())
    finally:
        imap.logout()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("who", choices=["postel", "imaplib"])
    ap.add_argument("--env", required=True, help="tests/servers/mailservers env file")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", default="bigpass")
    ap.add_argument("--runs", type=int, default=1)
    argv = sys.argv[1:]
    # Everything after "--" is the watcher's command line, taken as it is.
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: len(argv) - len(command) - (1 if command else 0)])
    args.command = command
    if args.who == "postel" and not command:
        ap.error("postel needs the watch command after --")
    env = env_file(args.env)
    run = run_postel if args.who == "postel" else run_imaplib
    try:
        times = [round(run(env, args), 4) for _ in range(args.runs)]
    finally:
        remove_bench_mail(env, args)
    print(json.dumps({"who": args.who, "seconds": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
