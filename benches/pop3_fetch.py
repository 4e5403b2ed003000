"""The reference for Postel's POP3 download: a bare download, by Python's
poplib over implicit TLS, of every message of a maildrop (UIDL, then RETR
each one, newest first as Postel asks for them). Nothing is parsed or stored.

    benches/pop3_fetch.py --port 10995 --ca ca.pem --user big20k --password bigpass

Prints the seconds from connecting to the last message, and the number of
messages and bytes received, as one JSON line.
"""

import argparse
import json
import poplib
import ssl
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True, help="the CA certificate to trust (PEM)")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()

    started = time.perf_counter()
    ctx = ssl.create_default_context(cafile=args.ca)
    pop = poplib.POP3_SSL(args.host, args.port, context=ctx)
    pop.user(args.user)
    pop.pass_(args.password)
    _, listing, _ = pop.uidl()
    numbers = [int(line.split()[0]) for line in listing]
    messages = 0
    received = 0
    for n in reversed(numbers):
        _, lines, octets = pop.retr(n)
        messages += 1
        received += octets
    elapsed = time.perf_counter() - started
    pop.quit()
    print(json.dumps({"seconds": round(elapsed, 3), "messages": messages, "bytes": received}))
    if messages != len(numbers):
        print("downloaded %d of %d messages" % (messages, len(numbers)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
