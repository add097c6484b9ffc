#!/usr/bin/python3
# Reads the local SMTP server's Maildir for the tests: the messages to an address, and one message's parts.
#
# Usage: mail.py count MAILDIR ADDRESS [SUBJECT]   the number of messages to ADDRESS (with that subject)
#        mail.py last MAILDIR ADDRESS [SUBJECT]    the file of the newest one (nothing when none)
#        mail.py all MAILDIR ADDRESS           the files of the messages to ADDRESS, oldest first, one a line
#        mail.py get FILE WHAT                 WHAT: a header name (decoded: to, subject, message-id, ...),
#                                              text, html, link (the first base_url link of the text part),
#                                              attachments (one "name<TAB>type<TAB>bytes" line each)
import email
import email.parser
import email.policy
import os
import re
import sys


def messages(maildir, address, subject=None):
    out = []
    new = os.path.join(maildir, "new")
    for name in os.listdir(new) if os.path.isdir(new) else []:
        path = os.path.join(new, name)
        with open(path, "rb") as f:
            msg = email.parser.BytesHeaderParser(policy=email.policy.default).parse(f)
        if subject is not None and msg["subject"] != subject:
            continue
        if any(a.addr_spec.lower() == address.lower() for a in msg["to"].addresses):
            out.append((os.stat(path).st_mtime_ns, path))
    return [p for _, p in sorted(out)]


def part(msg, ctype):
    for p in msg.walk():
        if p.get_content_type() == ctype and not p.is_attachment():
            return p.get_content()
    return ""


def main():
    cmd = sys.argv[1]
    if cmd == "count":
        print(len(messages(*sys.argv[2:5])))
    elif cmd == "last":
        found = messages(*sys.argv[2:5])
        if found:
            print(found[-1])
    elif cmd == "all":
        for path in messages(sys.argv[2], sys.argv[3]):
            print(path)
    elif cmd == "get":
        with open(sys.argv[2], "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        what = sys.argv[3]
        if what == "text":
            sys.stdout.write(part(msg, "text/plain"))
        elif what == "html":
            sys.stdout.write(part(msg, "text/html"))
        elif what == "link":
            m = re.search(r"https?://\S+", part(msg, "text/plain"))
            print(m.group(0) if m else "")
        elif what == "attachments":
            for p in msg.iter_attachments():
                print("%s\t%s\t%d" % (p.get_filename(), p.get_content_type(), len(p.get_payload(decode=True))))
        else:
            print(msg[what] if msg[what] is not None else "")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
