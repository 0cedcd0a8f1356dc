"""External signers: a certified CIPF (CryptoPro CSP's cryptcp or csptest, a token's tool) signs for ietm.

The key never reaches ietm. `[sign] external` in ietm.toml is a command template; ietm writes the exact
bytes to be signed to a temporary file, runs the command with `{file}` replaced by that file's path and
`{signature}` by where the detached CMS signature (DER or base64) is to be written (without `{signature}`
the signature is read from the command's standard output), and checks what comes back as `ietm verify`
would (it must hold over those bytes, be made with the certificate given by --cert, and that certificate
must be trusted and allowed by the policy) before anything is written. The template is split like a shell
line but run without a shell, each placeholder replaced inside one argument, so no file name can inject a
command. E.g. for CryptoPro:

    external = "cryptcp -signf -dir {dir} -der -strict -cert -thumbprint 0123...abcd {file}"

Such a signature carries no ietm approval statement (the tool makes its own signed attributes): what was
approved is the object's bytes, its QA status included.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ietm.errors import ConfigError, Refused
from ietm.sign.detached import Credentials

TIMEOUT = 300  # seconds: a CIPF may wait for a PIN on a token


@dataclass
class ExternalSigner(Credentials):
    """The signer's certificate (and chain) and the command that makes its signatures; no key in ietm."""

    command: str = ""

    @classmethod
    def configured(cls, template: str, chain, display: str) -> ExternalSigner:
        if not template.strip():
            raise ConfigError("no external signer is configured: set [sign] external in ietm.toml to the command "
                              "that signs {file} (see signing/README.md)", display)
        try:
            words = shlex.split(template)
        except ValueError as exc:
            raise ConfigError(f"[sign] external is not a command line: {exc}", display) from None
        if not any("{file}" in w for w in words):
            raise ConfigError("[sign] external must name the file to sign as {file}", display)
        if not chain:
            raise ConfigError("an external signer needs --cert: the signer's certificate", display)
        return cls(None, list(chain), None, template)

    def sign(self, name: str, data: bytes) -> bytes:
        """A CAdES-BES signature (DER) over `data` by the command, checked: made with --cert's key, over
        exactly these bytes, with the signing-certificate attribute naming that certificate."""
        from ietm.sign import cades
        from ietm.sign.trust import fingerprint

        raw = self.run(name, data)
        p = cades.parse(raw, f"signature of {name} by the external signer")
        if p.signer is None or fingerprint(p.signer) != fingerprint(self.cert):
            raise Refused("the external signer signed with another certificate than --cert", name)
        if not cades.signature_holds(p, p.signer) or not cades.covers(p, data):
            raise Refused("the external signer's signature does not hold over the bytes given to it", name)
        if not cades.cert_hash_matches(p, p.signer):
            raise Refused("the external signer's signature is not CAdES-BES (no signing-certificate attribute "
                          "naming the signer's certificate)", name)
        return cades.decode(raw, name)

    def run(self, name: str, data: bytes) -> bytes:
        """The detached signature the command makes over `data` (given to it as a file called `name`)."""
        with tempfile.TemporaryDirectory(prefix="ietm-sign-") as tmp:
            folder = Path(tmp)
            target = folder / name
            target.write_bytes(data)
            out = folder / (name + ".sig")
            values = {"{file}": str(target), "{signature}": str(out), "{dir}": str(folder)}
            argv = []
            for word in shlex.split(self.command):
                for key, value in values.items():
                    word = word.replace(key, value)
                argv.append(word)
            try:
                p = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, cwd=folder, stdin=subprocess.DEVNULL)
            except FileNotFoundError:
                raise ConfigError(f"external signer not found: {argv[0]}") from None
            except subprocess.TimeoutExpired:
                raise Refused(f"external signer {argv[0]} gave no answer within {TIMEOUT} s") from None
            if p.returncode != 0:
                last = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
                raise Refused(f"external signer {argv[0]} failed (exit {p.returncode})"
                              + (f": {last[-1][:200]}" if last else ""))
            if "{signature}" in self.command:
                if not out.is_file():
                    raise Refused(f"external signer {argv[0]} wrote no signature to {{signature}}")
                return out.read_bytes()
            produced = sorted(p for p in folder.iterdir() if p.name != name)
            if "{dir}" in self.command and produced:  # cryptcp -dir writes NAME.sig (or .p7s) beside its input
                return produced[0].read_bytes()
            if not p.stdout.strip():
                raise Refused(f"external signer {argv[0]} returned no signature")
            return p.stdout
