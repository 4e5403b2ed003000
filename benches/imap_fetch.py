#!/usr/bin/env python3
"""The reference for Postel's header sync: a bare fetch, by Python's imaplib,
of the items Postel's first sync of a folder asks for, in the same batches
(1000 messages, newest first by sequence number). Nothing is parsed or
stored.

    benches/imap_fetch.py --port 10993 --ca ca.pem --user big20k --password bigpass

Prints the seconds from connecting to the last batch, and the number of
messages and bytes received, as one JSON line.
"""

import argparse
import imaplib
import json
import ssl
import sys
import time

# Keep in step with src/sync/imap.rs (fetch_query) and src/sync/envelope.rs (FIELDS).
FIELDS = "FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE"
ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER.FIELDS (%s)])" % FIELDS


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True, help="the CA certificate to trust (PEM)")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--folder", default="INBOX")
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()

    # imaplib refuses response lines over 1 MB; headers come as literals, so
    # this is only a safety margin.
    imaplib._MAXLINE = 16 * 1024 * 1024
    started = time.perf_counter()
    ctx = ssl.create_default_context(cafile=args.ca)
    imap = imaplib.IMAP4_SSL(args.host, args.port, ssl_context=ctx)
    imap.login(args.user, args.password)
    # Postel selects with CONDSTORE, which is what makes MODSEQ cheap to return.
    typ, data = imap.select('"%s" (CONDSTORE)' % args.folder, readonly=False)
    if typ != "OK":
        print("SELECT failed: %r" % data, file=sys.stderr)
        return 1
    exists = int(data[0])
    messages = 0
    received = 0
    end = exists
    while end > 0:
        start = max(1, end - args.batch + 1)
        typ, data = imap.fetch("%d:%d" % (start, end), ITEMS)
        if typ != "OK":
            print("FETCH failed: %r" % data, file=sys.stderr)
            return 1
        for item in data:
            if isinstance(item, tuple):
                messages += 1
                received += len(item[0]) + len(item[1])
        end = start - 1
    elapsed = time.perf_counter() - started
    imap.logout()
    print(json.dumps({"seconds": round(elapsed, 3), "messages": messages, "bytes": received}))
    if messages != exists:
        print("fetched %d of %d messages" % (messages, exists), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
