"""Time signing and verifying a thousand data modules: `ietm sign` and `ietm verify` as a user runs them,
the in-process cost per module without the schema check, and xmlsec1 (C) verifying the same signatures.

Run:  .venv/bin/python bench/bench_sign.py [--modules 1000]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=int, default=1000)
    ap.add_argument("--xmlsec-sample", type=int, default=200, help="signatures xmlsec1 verifies (one run each)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ietm-bench-sign-"))
    passfile = tmp / "pass"
    passfile.write_text(PASS + "\n")
    timed([*IETM, "pki", "init", tmp / "pki", "--passphrase-file", passfile])
    files = corpus(args.modules)
    env = dict(os.environ, IETM_AUDIT_LOG=str(tmp / "audit.jsonl"))
    signer = ["--key", tmp / "pki" / "qa.key.pem", "--cert", tmp / "pki" / "qa.pem", "--passphrase-file", passfile,
              "--trust", tmp / "pki" / "ca.pem"]
    n = len(files)
    t_sign = timed([*IETM, "sign", *files, *signer, "--schemas", SCHEMAS42, "-B", BREX42], env=env)
    t_verify = timed([*IETM, "verify", *files, "--trust", tmp / "pki" / "ca.pem"], env=env)

    # in process, per module: the signature alone (no schema check), and verification of each
    from cryptography.hazmat.primitives import serialization

    from ietm.sign.detached import Credentials, approval
    from ietm.sign.keys import load_certificates
    from ietm.sign.signer import SignedFile
    from ietm.sign.verify import load_store, verify_object

    key = serialization.load_pem_private_key((tmp / "pki" / "qa.key.pem").read_bytes(), PASS.encode())
    creds = Credentials.of(key, load_certificates(tmp / "pki" / "qa.pem"), "qa")
    blobs = [(f.name, f.read_bytes()) for f in files]
    t = time.perf_counter()
    for name, data in blobs:
        creds.algorithm.sign(creds.key, creds.chain, [SignedFile(name, data)], approval("dm", {"file": name}))
    t_sign_core = time.perf_counter() - t
    store = load_store(ROOT, (tmp / "pki" / "ca.pem",))
    t = time.perf_counter()
    bad = [o for f in files if not (o := verify_object(f, store)).valid]
    t_verify_core = time.perf_counter() - t
    assert not bad, bad[0]

    sample = files[: args.xmlsec_sample]
    t = time.perf_counter()
    for f in sample:
        subprocess.run(["xmlsec1", "--verify", "--trusted-pem", str(tmp / "pki" / "ca.pem"), f.name + ".xsig"],
                       cwd=f.parent, capture_output=True, check=True)
    t_xmlsec = (time.perf_counter() - t) / len(sample) * n

    print(f"{n} Bike data modules, ECDSA P-256")
    print(f"ietm sign (schema + BREX checks, signature, atomic write), one process: {t_sign:.2f} s, {n / t_sign:.0f} modules/s")
    print(f"ietm verify, one process: {t_verify:.2f} s, {n / t_verify:.0f} modules/s")
    print(f"signature alone, in process: {t_sign_core:.2f} s, {t_sign_core / n * 1000:.2f} ms/module")
    print(f"verification alone, in process: {t_verify_core:.2f} s, {t_verify_core / n * 1000:.2f} ms/module")
    print(f"xmlsec1 --verify, one run per signature (from {len(sample)}), scaled to {n}: {t_xmlsec:.2f} s")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
