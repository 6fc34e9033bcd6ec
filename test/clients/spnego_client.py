#!/usr/bin/python3
"""SPNEGO HTTP client (python3-gssapi) for the Negotiate client tests.

Usage: spnego_client.py PORT SCENARIO
Prints one JSON object with what happened; the Jest test asserts on it.
"""
import base64
import http.client
import json
import os
import sys
import threading

import gssapi

PORT = int(sys.argv[1])
SCENARIO = sys.argv[2]
SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
SPN = gssapi.Name("HTTP@localhost", gssapi.NameType.hostbased_service)


def creds(user):
    ccache = os.environ["SSPI_TEST_KRB_CCACHE_" + user.upper()]
    return gssapi.Credentials(usage="initiate", store={"ccache": ccache})


def new_context(user):
    return gssapi.SecurityContext(name=SPN, creds=creds(user), usage="initiate", mech=SPNEGO,
                                  flags=gssapi.RequirementFlag.mutual_authentication)


def request(conn, token=None):
    headers = {"Authorization": "Negotiate " + base64.b64encode(token).decode()} if token else {}
    conn.request("GET", "/", headers=headers)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    return resp.status, resp.getheader("WWW-Authenticate"), body


def authenticate(conn, user):
    ctx = new_context(user)
    token = ctx.step()
    status, www, body = request(conn, token)
    result = {"status": status, "token": base64.b64encode(token).decode()}
    if status == 200:
        result["body"] = json.loads(body)
        # Mutual authentication: the server's final token must complete our context.
        if www and www.startswith("Negotiate "):
            ctx.step(base64.b64decode(www.split(" ", 1)[1]))
        result["mutualVerified"] = bool(ctx.complete)
    return result, token


def connection():
    return http.client.HTTPConnection("localhost", PORT, timeout=30)


def mutual():
    conn = connection()
    result, _ = authenticate(conn, "alice")
    conn.close()
    return result


def interleaved():
    a, b = connection(), connection()
    out = {}
    out["a1"], token_a = authenticate(a, "alice")
    out["b1"], _ = authenticate(b, "bob")
    status, _, body = request(a)
    out["a2"] = {"status": status, "body": json.loads(body) if status == 200 else body}
    status, _, body = request(b)
    out["b2"] = {"status": status, "body": json.loads(body) if status == 200 else body}
    # Alice's token replayed on a fresh connection: the replay cache must refuse it.
    c = connection()
    status, _, body = request(c, token_a)
    out["replay"] = {"status": status, "body": body}
    # A connection that never authenticated gets no access through the others.
    status, _, _ = request(c)
    out["unauthenticated"] = {"status": status}
    for conn in (a, b, c):
        conn.close()
    return out


def concurrent(n=200):
    results = [None] * n
    conns = [connection() for _ in range(n)]
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=60)
            r, _ = authenticate(conns[i], "alice")
            results[i] = r["status"]
        except Exception as e:  # noqa: BLE001 - reported to the test
            results[i] = repr(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in conns:
        c.close()
    return {"statuses": results}


print(json.dumps({"mutual": mutual, "interleaved": interleaved, "concurrent": concurrent}[SCENARIO]()))
