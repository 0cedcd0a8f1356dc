"""Time signing and verifying a thousand data modules with ECDSA P-256 and GOST R 34.10-2012 (256 and 512 bit):
`ietm sign` and `ietm verify` as a user runs them, the in-process cost per module without the schema check (CAdES
and XML Signature), and the standard tools (xmlsec1 for ECDSA, openssl cms with the GOST engine) on a sample.

Run:  .venv/bin/python bench/bench_sign.py [--modules 1000] [--kinds ecdsa,gost-256,gost-512]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BIKE, OUT, ROOT, SCHEMAS42  # noqa: E402

BREX42 = ROOT.parent / "shared" / "s1000d" / "4.2" / "brex"

IETM = [sys.executable, "-m", "ietm"]
PASS = "bench passphrase"


def corpus(n: int) -> list[Path]:
    """n official data modules: Bike modules copied into as many folders as it takes, fresh every run."""
    dest = OUT / "sign"
    shutil.rmtree(dest, ignore_errors=True)
    modules = sorted(p for p in BIKE.glob("DMC-*.XML"))
    out, i = [], 0
    while len(out) < n:
        folder = dest / f"copy{i:03d}"
        folder.mkdir(parents=True)
        for m in modules[: n - len(out)]:
            shutil.copyfile(m, folder / m.name)
            out.append(folder / m.name)
        i += 1
    return out


def timed(cmd: list, **kw) -> float:
    t = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=ROOT, **kw)
    took = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return took


def run(kind: str, files: list[Path], tmp: Path, passfile: Path, sample: int) -> dict[str, float]:
    """Sign and verify `files` with one key type: `ietm sign`/`ietm verify` as a user runs them, the signature
    and the verification alone in process, and the standard tool (xmlsec1 or openssl cms) on a sample."""
    from ietm.sign.detached import Credentials
    from ietm.sign.formats import sign_bytes
    from ietm.sign.keys import load_certificates, load_private_key
    from ietm.sign.verify import load_store, verify_object

    for f in files:  # fresh copies: no QA status or signature left from the other key type
        for old in (f.with_name(f.name + ".sig"), f.with_name(f.name + ".xsig")):
            old.unlink(missing_ok=True)
    pki = tmp / kind
    timed([*IETM, "pki", "init", *(["--gost"] if kind.startswith("gost") else []),
           *(["--paramset", "512-A"] if kind == "gost-512" else []), pki, "--passphrase-file", passfile])
    env = dict(os.environ, IETM_AUDIT_LOG=str(tmp / f"audit-{kind}.jsonl"))
    signer = ["--key", pki / "qa.key.pem", "--cert", pki / "qa.pem", "--passphrase-file", passfile, "--trust", pki / "ca.pem"]
    n = len(files)
    out = {"sign": timed([*IETM, "sign", *files, *signer, "--schemas", SCHEMAS42, "-B", BREX42], env=env),
           "verify": timed([*IETM, "verify", *files, "--trust", pki / "ca.pem"], env=env)}
    key, _ = load_private_key(pki / "qa.key.pem", PASS.encode())
    creds = Credentials.of(key, load_certificates(pki / "qa.pem"), "qa")
    blobs = [(f.name, f.read_bytes()) for f in files]
    # in process: CPU time, which a loaded machine (other test suites on the two cores) disturbs far less than wall time
    for fmt in ("cades", "xml"):
        t = time.process_time()
        for name, data in blobs:
            sign_bytes(creds, name, data, {"kind": "dm", "file": name}, fmt)
        out[f"sign_core_{fmt}"] = time.process_time() - t
    store = load_store(ROOT, (pki / "ca.pem",))
    t = time.process_time()
    bad = [o for f in files if not (o := verify_object(f, store)).valid]
    out["verify_core"] = time.process_time() - t
    assert not bad, bad[0]
    t = time.perf_counter()
    for f in files[:sample]:
        if kind.startswith("gost"):
            cmd = ["openssl", "cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER", "-in", f.name + ".sig",
                   "-content", f.name, "-CAfile", str(pki / "ca.pem"), "-cades", "-out", "/dev/null"]
        else:
            cmd = ["xmlsec1", "--verify", "--trusted-pem", str(pki / "ca.pem"), f.name + ".xsig"]
        subprocess.run(cmd, cwd=f.parent, capture_output=True, check=True)
    out["tool"] = (time.perf_counter() - t) / min(sample, n) * n
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=200, help="signatures xmlsec1 / openssl cms verify (one run each)")
    ap.add_argument("--kinds", default="ecdsa,gost-256,gost-512", help="key types, comma-separated")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ietm-bench-sign-"))
    passfile = tmp / "pass"
    passfile.write_text(PASS + "\n")
    n = args.modules
    rows = {}
    for kind in args.kinds.split(","):
        rows[kind] = run(kind, corpus(n), tmp, passfile, args.sample)
    print(f"{n} Bike data modules; seconds for all of them (ms per module); load {os.getloadavg()[0]:.1f}")
    print("| | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    labels = {"sign": "`ietm sign` (schema + BREX checks, signature, atomic writes, audit)",
              "verify": "`ietm verify` (signature, digest, chain, validity, role)",
              "sign_core_cades": "CAdES signature alone, in process (CPU time)",
              "sign_core_xml": "XML signature alone, in process (CPU time)",
              "verify_core": "`verify_object` alone, in process (CPU time; the default format of each key)",
              "tool": f"standard tool, one run per file (xmlsec1 / openssl cms; {args.sample} run, scaled)"}
    for key, label in labels.items():
        print(f"| {label} | " + " | ".join(f"{r[key]:.2f} s ({r[key] / n * 1000:.2f})" for r in rows.values()) + " |")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
