#!/usr/bin/python3
# The local SMTP server of `make run` and `make test`: stores every message it accepts as a file in a Maildir.
#
# Usage: scripts/smtpd.py PORT MAILDIR
# Its own behaviour for tests, by the recipient's domain (reserved names, RFC 2606):
#   any address @reject.test   -> 550 at RCPT TO (a permanent failure)
#   any address @tempfail.test -> 451 at RCPT TO (a temporary failure)
# Everything else is accepted and written to MAILDIR/new/ (read it with any mail reader, or
# tests/e2e/mail.py). Stops on SIGTERM.
import mailbox
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, path):
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        self.box = mailbox.Maildir(path, create=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.test":
            return "550 5.1.1 <%s>: Recipient address rejected (test server: reject.test)" % address
        if domain == "tempfail.test":
            return "451 4.3.0 <%s>: Try again later (test server: tempfail.test)" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        key = self.box.add(envelope.original_content)
        return "250 2.0.0 OK stored as %s" % key


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    # The controller's thread inherits the blocked signals; the main thread waits for them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(Store(path), hostname="127.0.0.1", port=port, data_size_limit=50 * 1024 * 1024)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
