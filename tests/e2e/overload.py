#!/usr/bin/env python3
"""Load driver of tests/e2e/overload.bats: request streams in threads for a while, one summary as JSON.

Reads a JSON plan on stdin: {"base": URL, "seconds": S, "streams": [STREAM, ...]}. A stream is
  {"name": N, "threads": T, "kind": "get", "path": P}                     GET P (Accept: application/json)
  {"name": N, "threads": T, "kind": "signup", "seminar": ID, "people": [[sid, csrf], ...]}
      one sign-up (mode online, a fresh idempotency key) per person, each person once
  {"name": N, "threads": T, "kind": "scan", "seminar": ID, "who": [sid, csrf], "codes": [...]}
      one door scan (a fresh client_scan_id; the door's current session) per ticket code, each code once
Optional in a stream: "pause" (ms between one thread's requests: people, not a flood) and "cycle" (start its
people over when they run out: for requests that are all refused). A stream stops when its time is up or its
people or codes run out. Prints per stream: n, codes (status ->
count), p50 and p95 in ms, max_503_ms (the slowest 503), no_retry_after (503s without Retry-After), and acked
(the idempotency keys or client scan ids answered 200).
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid


def request(base, method, path, headers, body=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    t0 = time.monotonic()
    try:
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        code, retry = r.status, r.getheader("Retry-After")
    except (OSError, http.client.HTTPException):
        code, retry = 0, None
    finally:
        c.close()
    return code, retry, (time.monotonic() - t0) * 1000


def stream(plan, s, out, lock):
    base, end = plan["base"], time.monotonic() + plan["seconds"]
    items = s.get("people") or s.get("codes") or []
    res = out[s["name"]]
    while time.monotonic() < end:
        headers = {"Accept": "application/json"}
        key = None
        if s["kind"] == "get":
            method, path, body = "GET", s["path"], None
        else:
            with lock:
                if res["next"] >= len(items):
                    if not s.get("cycle"):
                        return
                    res["next"] = 0
                item = items[res["next"]]
                res["next"] += 1
            key = uuid.uuid4().hex
            method = "POST"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if s["kind"] == "signup":
                sid, csrf = item
                path = "/seminars/%d/register" % s["seminar"]
                body = urllib.parse.urlencode({"mode": "online", "idem": key})
            else:
                sid, csrf = s["who"]
                path = "/checkin/%d/scan" % s["seminar"]
                body = urllib.parse.urlencode({"code": item, "client_scan_id": key, "device_id": "overload",
                                               "method": "qr"})
            headers["Cookie"] = "sid=" + sid
            headers["X-CSRF-Token"] = csrf
        code, retry, ms = request(base, method, path, headers, body)
        with lock:
            res["ms"].append(ms)
            res["codes"][str(code)] = res["codes"].get(str(code), 0) + 1
            if code == 503:
                res["max_503_ms"] = max(res["max_503_ms"], ms)
                res["no_retry_after"] += retry is None
            if code == 200 and key is not None:
                res["acked"].append(key)
        time.sleep(s.get("pause", 0) / 1000)


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 1) if xs else 0


def main():
    plan = json.load(sys.stdin)
    out, lock, threads = {}, threading.Lock(), []
    for s in plan["streams"]:
        out[s["name"]] = {"ms": [], "codes": {}, "max_503_ms": 0, "no_retry_after": 0, "acked": [], "next": 0}
        for _ in range(s.get("threads", 1)):
            threads.append(threading.Thread(target=stream, args=(plan, s, out, lock)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = {}
    for name, r in out.items():
        summary[name] = {"n": len(r["ms"]), "codes": r["codes"], "p50": pct(r["ms"], 0.5), "p95": pct(r["ms"], 0.95),
                         "max_503_ms": round(r["max_503_ms"], 1), "no_retry_after": r["no_retry_after"],
                         "acked": r["acked"]}
    json.dump(summary, sys.stdout)


main()
