"""GOST R 34.10-2012 signatures and GOST R 34.11-2012 (Streebog) digests, done by OpenSSL's GOST engine.

The implementation is OpenSSL's GOST engine (github.com/gost-engine/engine; Debian package
libengine-gost-openssl, `gost.so`), loaded into the system's libcrypto through ctypes. ietm computes nothing
cryptographic itself: key generation, the signature (with its GOST conventions: digest read little-endian,
value s||r), verification, Streebog and the passphrase encryption of PKCS#8 keys all happen inside OpenSSL.
The `cryptography` package cannot serve here: it carries its own OpenSSL, built without engine support.
signing/README.md says why this implementation and not another.

The binding keeps to OpenSSL 3's public C API (the ENGINE calls are deprecated in 3.0 but supported through
3.x; the GOST provider of the same package, `gostprov.so`, offers digests and ciphers only, no signatures).
Everything is thread-safe as libcrypto is; each call releases the GIL.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ietm.errors import ConfigError, InputError

#: OIDs of RFC 9215 (public key algorithms, signature algorithms and digests) and of the TC26 parameter sets
KEY_256 = "1.2.643.7.1.1.1.1"
KEY_512 = "1.2.643.7.1.1.1.2"
SIGNATURE = {256: "1.2.643.7.1.1.3.2", 512: "1.2.643.7.1.1.3.3"}
DIGEST = {256: "1.2.643.7.1.1.2.2", 512: "1.2.643.7.1.1.2.3"}
KEY_BITS = {KEY_256: 256, KEY_512: 512}
#: parameter sets: the name `ietm pki init --paramset` takes -> (bits, OID, the engine's own name for it)
PARAMSETS: dict[str, tuple[int, str, str]] = {
    "256-A": (256, "1.2.643.7.1.2.1.1.1", "TCA"),
    "256-B": (256, "1.2.643.7.1.2.1.1.2", "TCB"),
    "256-C": (256, "1.2.643.7.1.2.1.1.3", "TCC"),
    "256-D": (256, "1.2.643.7.1.2.1.1.4", "TCD"),
    "512-A": (512, "1.2.643.7.1.2.1.2.1", "A"),
    "512-B": (512, "1.2.643.7.1.2.1.2.2", "B"),
    "512-C": (512, "1.2.643.7.1.2.1.2.3", "C"),
}
#: older parameter sets a GOST R 34.10-2012 256-bit key may still name (CryptoPro's, RFC 4357)
LEGACY_PARAMSETS = {
    "1.2.643.2.2.35.1": "CryptoPro-A", "1.2.643.2.2.35.2": "CryptoPro-B", "1.2.643.2.2.35.3": "CryptoPro-C",
    "1.2.643.2.2.36.0": "CryptoPro-XchA", "1.2.643.2.2.36.1": "CryptoPro-XchB",
}
PARAMSET_NAMES = {oid: f"TC26 {name}" for name, (_, oid, _) in PARAMSETS.items()} | LEGACY_PARAMSETS

INSTALL_HINT = ("GOST R 34.10-2012 needs OpenSSL's GOST engine: install the Debian package libengine-gost-openssl "
                "(`make system-deps` does)")

_PASSWORD_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_char), ctypes.c_int, ctypes.c_int, ctypes.c_void_p)
_BIO_CTRL_INFO = 3


class _Lib:
    """libcrypto with the GOST engine loaded and its algorithms registered, once per process."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("crypto") or "libcrypto.so.3"
        try:
            c = ctypes.CDLL(name)
        except OSError as exc:
            raise ConfigError(f"cannot load OpenSSL's libcrypto ({exc}); {INSTALL_HINT}") from None
        p, i, sz, ul = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t, ctypes.c_ulong
        sigs = {
            "ENGINE_by_id": (p, [ctypes.c_char_p]), "ENGINE_init": (i, [p]), "ENGINE_free": (i, [p]),
            "ENGINE_set_default": (i, [p, ctypes.c_uint]),
            "OBJ_txt2nid": (i, [ctypes.c_char_p]),
            "EVP_PKEY_CTX_new_id": (p, [i, p]), "EVP_PKEY_CTX_free": (None, [p]),
            "EVP_PKEY_keygen_init": (i, [p]), "EVP_PKEY_keygen": (i, [p, ctypes.POINTER(p)]),
            "EVP_PKEY_CTX_ctrl_str": (i, [p, ctypes.c_char_p, ctypes.c_char_p]),
            "EVP_PKEY_free": (None, [p]), "EVP_PKEY_get_id": (i, [p]), "EVP_PKEY_get_bits": (i, [p]),
            "BIO_new_mem_buf": (p, [ctypes.c_char_p, i]), "BIO_new": (p, [p]), "BIO_s_mem": (p, []),
            "BIO_ctrl": (ctypes.c_long, [p, i, ctypes.c_long, p]), "BIO_free": (i, [p]),
            "PEM_read_bio_PrivateKey": (p, [p, p, _PASSWORD_CB, p]),
            "PEM_write_bio_PKCS8PrivateKey": (i, [p, p, p, ctypes.c_char_p, i, p, p]),
            "EVP_aes_256_cbc": (p, []),
            "i2d_PUBKEY": (i, [p, ctypes.POINTER(ctypes.c_char_p)]),
            "d2i_PUBKEY": (p, [p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
            "CRYPTO_free": (None, [p, ctypes.c_char_p, i]),
            "EVP_MD_CTX_new": (p, []), "EVP_MD_CTX_free": (None, [p]),
            "EVP_get_digestbyname": (p, [ctypes.c_char_p]),
            "EVP_DigestSignInit": (i, [p, p, p, p, p]),
            "EVP_DigestSign": (i, [p, ctypes.c_char_p, ctypes.POINTER(sz), ctypes.c_char_p, sz]),
            "EVP_DigestVerifyInit": (i, [p, p, p, p, p]),
            "EVP_DigestVerify": (i, [p, ctypes.c_char_p, sz, ctypes.c_char_p, sz]),
            "EVP_Digest": (i, [ctypes.c_char_p, sz, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint), p, p]),
            "ERR_get_error": (ul, []), "ERR_clear_error": (None, []),
            "ERR_error_string_n": (None, [ul, ctypes.c_char_p, sz]),
        }
        for fn, (res, args) in sigs.items():
            f = getattr(c, fn, None)
            if f is None:
                raise ConfigError(f"this libcrypto lacks {fn}; ietm needs OpenSSL 3; {INSTALL_HINT}")
            f.restype, f.argtypes = res, args
        self.c = c
        engine = c.ENGINE_by_id(b"gost")
        if not engine or c.ENGINE_init(engine) != 1:
            c.ERR_clear_error()
            raise ConfigError(f"OpenSSL cannot load its GOST engine; {INSTALL_HINT}")
        # the engine's key types, digests and signature methods become the defaults for their own NIDs only
        # (every other algorithm, e.g. the SHA-256 of Python's hashlib, stays with OpenSSL's providers)
        c.ENGINE_set_default(engine, 0xFFFF & ~0x0008)  # ENGINE_METHOD_ALL but not RAND
        self.engine = engine
        self.md = {bits: c.EVP_get_digestbyname(name) for bits, name in ((256, b"md_gost12_256"), (512, b"md_gost12_512"))}
        self.nid = {bits: c.OBJ_txt2nid(name) for bits, name in ((256, b"gost2012_256"), (512, b"gost2012_512"))}
        if not all(self.md.values()) or not all(n > 0 for n in self.nid.values()):
            raise ConfigError(f"OpenSSL's GOST engine offers no GOST R 34.10-2012; {INSTALL_HINT}")

    def error(self) -> str:
        """The oldest queued OpenSSL error as text (and the queue cleared)."""
        code = self.c.ERR_get_error()
        self.c.ERR_clear_error()
        if not code:
            return "unknown OpenSSL error"
        buf = ctypes.create_string_buffer(256)
        self.c.ERR_error_string_n(code, buf, len(buf))
        return buf.value.decode(errors="replace")


_lock = threading.Lock()
_loaded: _Lib | None = None


def lib() -> _Lib:
    """The loaded library; ConfigError (one line, what to install) when the GOST engine is not there."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _Lib()
    return _loaded


def _bio_bytes(L: _Lib, bio: int) -> bytes:
    ptr = ctypes.c_void_p()
    n = L.c.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(ptr))
    return ctypes.string_at(ptr, n) if n > 0 else b""


class GostPrivateKey:
    """A GOST R 34.10-2012 private key held inside OpenSSL (freed with the object)."""

    def __init__(self, handle: int) -> None:
        L = lib()
        self._handle = ctypes.c_void_p(handle)
        nid = L.c.EVP_PKEY_get_id(self._handle)
        bits = next((b for b, n in L.nid.items() if n == nid), None)
        if bits is None:
            L.c.EVP_PKEY_free(self._handle)
            self._handle = None
            raise InputError("not a GOST R 34.10-2012 key")
        self.bits = bits
        self.public = GostPublicKey(self._public_der())

    def __del__(self) -> None:
        if getattr(self, "_handle", None) and _loaded is not None:
            _loaded.c.EVP_PKEY_free(self._handle)
            self._handle = None

    @classmethod
    def generate(cls, paramset: str = "256-B") -> GostPrivateKey:
        """A new key on a TC26 parameter set (see PARAMSETS), from OpenSSL's random generator."""
        if paramset not in PARAMSETS:
            raise InputError(f"unknown GOST parameter set {paramset}; one of {', '.join(PARAMSETS)}")
        bits, _, engine_name = PARAMSETS[paramset]
        L = lib()
        ctx = L.c.EVP_PKEY_CTX_new_id(L.nid[bits], L.engine)
        out = ctypes.c_void_p()
        try:
            if (not ctx or L.c.EVP_PKEY_keygen_init(ctx) != 1
                    or L.c.EVP_PKEY_CTX_ctrl_str(ctx, b"paramset", engine_name.encode()) <= 0
                    or L.c.EVP_PKEY_keygen(ctx, ctypes.byref(out)) != 1):
                raise ConfigError(f"OpenSSL could not make a GOST key: {L.error()}")
        finally:
            if ctx:
                L.c.EVP_PKEY_CTX_free(ctx)
        return cls(out.value)

    @classmethod
    def from_pem(cls, data: bytes, passphrase: bytes | None, display: str) -> GostPrivateKey:
        """A PEM private key (PKCS#8, encrypted or not); InputError when it is not a GOST key or will not open."""
        L = lib()
        if passphrase is not None and b"\0" in passphrase:
            raise InputError("a passphrase cannot contain a NUL character", display)
        given = passphrase or b""

        @_PASSWORD_CB
        def password(buf, size, rwflag, userdata):  # never lets OpenSSL prompt on the terminal itself
            if passphrase is None or len(given) > size:
                return -1
            ctypes.memmove(buf, given, len(given))
            return len(given)

        bio = L.c.BIO_new_mem_buf(data, len(data))
        try:
            handle = L.c.PEM_read_bio_PrivateKey(bio, None, password, None)
        finally:
            L.c.BIO_free(bio)
        if not handle:
            reason = L.error()
            if passphrase is not None and ("bad decrypt" in reason or "maybe wrong password" in reason):
                raise InputError("wrong passphrase for the key (or the key file is damaged)", display)
            raise InputError(f"not a readable GOST private key ({reason})", display)
        return cls(handle)

    def to_pem(self, passphrase: bytes) -> bytes:
        """PKCS#8 PEM, encrypted with `passphrase` (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, OpenSSL's default)."""
        if not passphrase:
            raise InputError("a passphrase is required: ietm never writes an unencrypted private key")
        L = lib()
        bio = L.c.BIO_new(L.c.BIO_s_mem())
        try:
            if L.c.PEM_write_bio_PKCS8PrivateKey(bio, self._handle, L.c.EVP_aes_256_cbc(), passphrase,
                                                 len(passphrase), None, None) != 1:
                raise ConfigError(f"OpenSSL could not write the key: {L.error()}")
            return _bio_bytes(L, bio)
        finally:
            L.c.BIO_free(bio)

    def _public_der(self) -> bytes:
        L = lib()
        out = ctypes.c_char_p()
        n = L.c.i2d_PUBKEY(self._handle, ctypes.byref(out))
        if n <= 0:
            raise ConfigError(f"OpenSSL could not encode the public key: {L.error()}")
        try:
            return ctypes.string_at(out, n)
        finally:
            L.c.CRYPTO_free(out, None, 0)

    def sign(self, data: bytes) -> bytes:
        """The GOST R 34.10-2012 signature of `data` with a Streebog digest of the key's size (s||r, RFC 9215)."""
        L = lib()
        mctx = L.c.EVP_MD_CTX_new()
        try:
            size = ctypes.c_size_t(0)
            if L.c.EVP_DigestSignInit(mctx, None, L.md[self.bits], L.engine, self._handle) != 1 or \
                    L.c.EVP_DigestSign(mctx, None, ctypes.byref(size), data, len(data)) != 1:
                raise ConfigError(f"OpenSSL could not sign: {L.error()}")
            buf = ctypes.create_string_buffer(size.value)
            if L.c.EVP_DigestSign(mctx, buf, ctypes.byref(size), data, len(data)) != 1:
                raise ConfigError(f"OpenSSL could not sign: {L.error()}")
            return buf.raw[: size.value]
        finally:
            L.c.EVP_MD_CTX_free(mctx)


@dataclass(frozen=True)
class GostPublicKey:
    """A GOST R 34.10-2012 public key as its SubjectPublicKeyInfo (DER), the form certificates carry."""

    der: bytes

    @property
    def bits(self) -> int:
        return spki_info(self.der)[0]

    @property
    def paramset(self) -> str:
        return spki_info(self.der)[1]

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether `signature` (s||r) is this key's GOST R 34.10-2012 signature of `data` (Streebog inside)."""
        L = lib()
        buf = ctypes.c_char_p(self.der)
        handle = L.c.d2i_PUBKEY(None, ctypes.byref(buf), len(self.der))
        if not handle:
            L.error()
            return False
        mctx = L.c.EVP_MD_CTX_new()
        try:
            bits = next((b for b, n in L.nid.items() if n == L.c.EVP_PKEY_get_id(handle)), None)
            if bits is None or L.c.EVP_DigestVerifyInit(mctx, None, L.md[bits], L.engine, handle) != 1:
                L.error()
                return False
            ok = L.c.EVP_DigestVerify(mctx, signature, len(signature), data, len(data)) == 1
            if not ok:
                L.c.ERR_clear_error()
            return ok
        finally:
            L.c.EVP_MD_CTX_free(mctx)
            L.c.EVP_PKEY_free(handle)


@lru_cache(maxsize=256)
def spki_info(spki: bytes) -> tuple[int, str]:
    """(bits, parameter set OID) of a GOST SubjectPublicKeyInfo; InputError for any other key."""
    from asn1crypto import core

    try:
        algorithm = core.load(spki)[0]  # SEQUENCE {algorithm, SEQUENCE {paramset OID, [digest OID]}}
        alg = algorithm[0].dotted
        paramset = algorithm[1][0].dotted if len(algorithm) > 1 and len(algorithm[1]) else ""
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise InputError("unreadable public key") from None
    if alg not in KEY_BITS:
        raise InputError(f"not a GOST R 34.10-2012 public key (algorithm {alg})")
    return KEY_BITS[alg], paramset


def digest(bits: int, data: bytes) -> bytes:
    """GOST R 34.11-2012 (Streebog) of `data`, 256 or 512 bits."""
    L = lib()
    out = ctypes.create_string_buffer(64)
    size = ctypes.c_uint(0)
    if L.c.EVP_Digest(data, len(data), out, ctypes.byref(size), L.md[bits], L.engine) != 1:
        raise ConfigError(f"OpenSSL could not compute Streebog: {L.error()}")
    return out.raw[: size.value]


def streebog256(data: bytes) -> bytes:
    return digest(256, data)


def streebog512(data: bytes) -> bytes:
    return digest(512, data)


def streebog256_file(path: Path) -> str:
    """Streebog-256 of a file's bytes, as hex (the digest an information-certifying sheet lists)."""
    return streebog256(Path(path).read_bytes()).hex()
