#!/usr/bin/env python3
"""HL7 v2 lab results through MLLP into the store (issue 16): N ORU^R01 messages, each a
two-test panel for one of the benchmark patients, sent over C connections at once; every ACK
must be AA. Prints messages/s and ACK latency percentiles. Standard library only.

usage: hl7_mllp_load.py HOST PORT PATIENTS.tsv MESSAGES CONNECTIONS
PATIENTS.tsv: mrn<TAB>family<TAB>given<TAB>YYYYMMDD per line.
"""
import socket, sys, threading, time

host, port, pfile, n, conns = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
patients = [l.rstrip("\n").split("\t") for l in open(pfile) if l.strip()]
lat, bad, lock = [], [], threading.Lock()


def message(i):
    mrn, family, given, birth = patients[i % len(patients)]
    day = "202611%02d" % (i % 28 + 1)
    return "\r".join([
        f"MSH|^~\\&|BENCHLAB|BENCH LAB|WELLSPRING|NORTH|{day}0900||ORU^R01^ORU_R01|B{i}|P|2.5.1",
        f"PID|1||{mrn}^^^NOR^MR||{family}^{given}||{birth}",
        f"OBR|1||BENCH-{i}|24323-8^Comprehensive metabolic panel^LN|||{day}0715",
        f"OBX|1|NM|2951-2^Sodium^LN||{135 + i % 10}|mmol/L^mmol/L^UCUM|136-145|N|||F|||{day}0715",
        f"OBX|2|NM|2823-3^Potassium^LN||4.{i % 10}|mmol/L^mmol/L^UCUM|3.5-5.1|N|||F|||{day}0715",
    ])


def worker(k):
    s = socket.create_connection((host, port))
    buf = b""
    for i in range(k, n, conns):
        t0 = time.perf_counter()
        s.sendall(b"\x0b" + message(i).encode() + b"\x1c\r")
        while b"\x1c\r" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("connection closed")
            buf += chunk
        ack, buf = buf.split(b"\x1c\r", 1)
        dt = time.perf_counter() - t0
        with lock:
            lat.append(dt)
            if b"MSA|AA|" not in ack:
                bad.append(ack.decode(errors="replace"))
    s.close()


t0 = time.perf_counter()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
secs = time.perf_counter() - t0
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print(f"{n} messages over {conns} connections in {secs:.2f} s: {n / secs:.0f} messages/s "
      f"({2 * n / secs:.0f} results/s); ACK p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms; "
      f"{len(bad)} not AA")
if bad:
    print(bad[0])
    sys.exit(1)
