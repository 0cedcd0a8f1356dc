"""What the viewer tells readers about signatures: a badge per module and the CSDB's release.

Worked out once per file version (keyed by modification times of the object, its signature, the release
manifest and the trust store: ietm.toml, trusted certificates, CRLs, policy), never per request: a page view
costs a dict lookup; re-signing or editing a file, or a new CRL, is seen at once (the trust store's files are
looked at no more than once every TRUST_RECHECK seconds), and every verdict is worked out again each hour.
The words are in the page's language; the verdicts come from ietm.sign (the same as `ietm verify`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from ietm.errors import IetmError, InputError
from ietm.i18n import localise, t, words
from ietm.sign import signature_status
from ietm.sign.formats import SUFFIXES, signature_of
from ietm.sign.manifest import MANIFEST_NAME, Entry, parse
from ietm.sign.qualified import FORM_ITEMS

#: the badge's words (key -> (English, Russian)), declared as sig_<key> in the one table (ietm.i18n)
WORDS: dict[str, tuple[str, str]] = {
    "valid": ("Signed by {signer}{when} · {qa} · valid", "Подписано: {signer}{when} · {qa} · подпись верна"),
    "invalid": ("Signature invalid: {files} changed since it was signed",
                "Подпись недействительна: {files} изменён после подписания"),
    "invalid_other": ("Signature invalid: {reason}", "Подпись недействительна: {reason}"),
    "untrusted": ("Signed by {signer}{when}, but the signer is not trusted",
                  "Подписано: {signer}{when}, но подписант не входит в доверенные"),
    "expired": ("Signed by {signer}{when}, but the certificate is expired or not yet valid",
                "Подписано: {signer}{when}, но срок действия сертификата истёк или не наступил"),
    "revoked": ("Signed by {signer}{when}, but the certificate is revoked",
                "Подписано: {signer}{when}, но сертификат отозван"),
    "role": ("Signed by {signer}{when}, but the signer's role may not approve it",
             "Подписано: {signer}{when}, но роль подписанта не даёт права утверждать"),
    "icn": ("Signature invalid: an illustration of the module changed since it was signed",
            "Подпись недействительна: иллюстрация модуля изменена после подписания"),
    "certificate": ("Signature invalid: the certificate it carries is not the one that signed",
                    "Подпись недействительна: приложенный сертификат — не тот, которым подписано"),
    "key-period": ("Signed by {signer}{when}, outside the private key's usage period",
                   "Подписано: {signer}{when}, вне срока действия ключа электронной подписи"),
    "qualified": ("Signed by {signer}{when}, but the certificate is not of the form the policy requires",
                  "Подписано: {signer}{when}, но сертификат не соответствует форме, требуемой политикой"),
    "appointment": ("Signed by {signer}{when}, but the signer holds no appointment for this role",
                    "Подписано: {signer}{when}, но подписант не назначен на эту роль"),
    "cert_qualified": ("Qualified certificate: {ids}{klass}; issued by {issuer}",
                       "Квалифицированный сертификат: {ids}{klass}; выдан: {issuer}"),
    "cert_plain": ("Certificate {algorithm}, not of the qualified form ({missing}); issued by {issuer}",
                   "Сертификат {algorithm}, не по форме квалифицированного ({missing}); выдан: {issuer}"),
    "cert_class": (", CIPF class {klass}", ", класс СКЗИ {klass}"),
    "unsigned": ("Not signed", "Не подписано"),
    "on": (" on {date}", " {date}"),
    "qa_first": ("first verification", "первая проверка"),
    "qa_second": ("second verification", "вторая проверка"),
    "qa_none": ("QA level not stated", "уровень проверки не указан"),
    "in_release": ("In release {name}: matches what QA released", "В выпуске {name}: совпадает с утверждённым"),
    "release_changed": ("In release {name}: content altered since QA signed it",
                        "В выпуске {name}: содержимое изменено после подписания"),
    "not_in_release": ("Not in release {name}", "Не входит в выпуск {name}"),
    "release": ("Release", "Выпуск"),
    "no_release": ("This CSDB has no release manifest (`ietm release` writes one).",
                   "В этой базе нет манифеста выпуска (его создаёт `ietm release`)."),
    "state": ("State now", "Состояние сейчас"),
    "summary": ("Released {created}: {n} files; now {matches} match, {changed} changed, {missing} missing",
                "Выпущен {created}: файлов {n}; сейчас совпадают {matches}, изменены {changed}, отсутствуют {missing}"),
    "matches": ("matches", "совпадает"),
    "changed": ("changed", "изменён"),
    "missing": ("missing", "отсутствует"),
    # what js/signature-badge.js says in a published bundle, having checked the signatures on the device
    "device_valid": ("Signed by {signer}{when}{qa} · release {release} · content matches what QA signed (checked on this "
                     "device)",
                     "Подписано: {signer}{when}{qa} · выпуск {release} · содержимое совпадает с подписанным (проверено "
                     "на устройстве)"),
    "device_valid_own": ("Signed by {signer}{when}{qa} · content matches what QA signed (checked on this device)",
                         "Подписано: {signer}{when}{qa} · содержимое совпадает с подписанным (проверено на устройстве)"),
    "device_altered": ("Warning: content altered since QA signed it ({file})",
                       "Внимание: содержимое изменено после подписания ({file})"),
    "device_missing": ("Warning: the signed source of this page is missing from the bundle ({file})",
                       "Внимание: подписанный исходный модуль отсутствует в пакете ({file})"),
    "device_unlisted": ("Not signed: this module is not part of the signed release {release}",
                        "Не подписано: модуль не входит в подписанный выпуск {release}"),
    "device_nosig": ("Not signed: this bundle carries no signed release", "Не подписано: в пакете нет подписанного выпуска"),
    "device_invalid": ("Warning: the release signature is invalid: {reason}",
                       "Внимание: подпись выпуска недействительна: {reason}"),
    "device_untrusted": ("Warning: signed by {signer}, who is not trusted: {reason}",
                         "Внимание: подписант {signer} не доверенный: {reason}"),
    "device_expired": ("Warning: the signer's certificate is expired or not yet valid: {reason}",
                       "Внимание: срок действия сертификата подписанта истёк или не наступил: {reason}"),
    "device_role": ("Warning: the signer's role may not approve this: {reason}",
                    "Внимание: роль подписанта не даёт права утверждать: {reason}"),
    "device_certificate": ("Warning: the certificate in the signature is not the one that signed: {reason}",
                           "Внимание: сертификат в подписи — не тот, которым подписано: {reason}"),
    "device_error": ("The signature could not be checked on this device: {reason}",
                     "Подпись не удалось проверить на устройстве: {reason}"),
    "device_no_anchors": ("no trusted certificate was embedded at publish time",
                          "при публикации в пакет не вложен ни один доверенный сертификат"),
}


TRUST_RECHECK = 2.0  # seconds


words({f"sig_{key}": pair for key, pair in WORDS.items()})


def word(key: str, language: str, **values: object) -> str:
    return t(f"sig_{key}", language, **values)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _sig_stamp(path: Path) -> tuple[int, ...]:
    """Modification times of both possible signature files of `path` (.sig, .xsig); all 0: unsigned."""
    return tuple(_mtime(path.with_name(path.name + s)) for s in SUFFIXES)


@dataclass
class Release:
    """The release manifest of a CSDB as checked: its signature's verdict and its entries."""

    path: Path
    status: str
    reason: str
    signer: str | None
    signed_at: str | None
    name: str | None
    created: str | None
    entries: dict[str, Entry]  # path relative to the CSDB -> entry


class Signatures:
    """Signature verdicts of one CSDB's files, cached per file version; safe to use from several threads."""

    def __init__(self, csdb: Path) -> None:
        self.csdb = Path(csdb).resolve()
        self._status: dict[str, tuple[tuple, dict]] = {}
        self._digests: dict[str, tuple[tuple[int, int], str]] = {}
        self._release: tuple[tuple, Release | None] | None = None
        self._trust: tuple[float, tuple] = (float("-inf"), ())
        self._guard = threading.Lock()

    def trust_stamp(self) -> tuple:
        """Modification times of what decides trust (config, certificates, CRLs, policy), and the hour: a
        certificate that expires while the viewer runs turns its badges to "expired" within the hour."""
        from ietm.config import load_config
        from ietm.sign.trust import default_places

        checked, value = self._trust
        if time.monotonic() - checked < TRUST_RECHECK:
            return value
        try:
            config = load_config(self.csdb)
            trust, crls, policy = default_places(config.values, config.source.parent if config.source else None)
            places = [p for p in (config.source, *trust, *crls, policy) if p is not None]
            files = [*places, *(f for p in places if p.is_dir() for f in sorted(p.iterdir()))]
            value = (int(time.time() // 3600), *((str(f), _mtime(f)) for f in files))
        except IetmError as exc:  # a broken ietm.toml: every verdict says so, until it is fixed
            value = (str(exc),)
        self._trust = (time.monotonic(), value)
        return value

    # -- one object ------------------------------------------------------------------------------------------

    def status(self, path: Path) -> dict:
        """signature_status(path), computed again only when the object or its signature changed."""
        path = Path(path)
        signatures = self.signature_stamp(path)
        if not any(signatures):  # no signature: nothing to check against the trust store, nothing to keep
            return {"signed": False, "valid": False, "status": "unsigned", "reason": "no signature", "changed": []}
        stamp = (_mtime(path), signatures, self.trust_stamp())
        with self._guard:
            hit = self._status.get(str(path))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        out = signature_status(path)
        with self._guard:
            self._status[str(path)] = (stamp, out)
        return out

    def signature_stamp(self, path: Path) -> tuple[int, ...]:
        """What tells whether `path` is signed, and by which signature file version (all 0: unsigned)."""
        return _sig_stamp(path)

    def canonical(self, path: Path) -> Path:
        """The object's path as its signature and the release manifest name it (symbolic links resolved)."""
        return Path(path).resolve()

    def digest(self, path: Path) -> str | None:
        """SHA-256 of a file, hashed again only when its modification time or size changed (None: unreadable)."""
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        with self._guard:
            hit = self._digests.get(str(path))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        try:
            value = sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        with self._guard:
            self._digests[str(path)] = (stamp, value)
        return value

    # -- the release -----------------------------------------------------------------------------------------

    def release(self) -> Release | None:
        """The CSDB's release.manifest with its signature checked (None when there is none)."""
        manifest = self.csdb / MANIFEST_NAME
        stamp = self.release_stamp(manifest)
        with self._guard:
            hit = self._release
        if hit is not None and hit[0] == stamp:
            return hit[1]
        found = self._read_release(manifest) if stamp[0] else None
        with self._guard:
            self._release = (stamp, found)
        return found

    def release_stamp(self, manifest: Path) -> tuple:
        """What tells whether the release manifest changed (its file, its signature, the trust store)."""
        return _mtime(manifest), _sig_stamp(manifest), self.trust_stamp()

    def _read_release(self, manifest: Path) -> Release:
        from ietm.sign.verify import check_signature, load_store

        seen: dict[str, bytes] = {}
        sig = signature_of(manifest)
        status, reason, signer, signed_at = "unsigned", f"no signature ({manifest.name}.sig or .xsig not found)", None, None
        if sig is not None:
            try:
                out = check_signature(sig, load_store(self.csdb), [manifest.name], "release", seen)
                status, reason, signer, signed_at = out.status, out.reason, out.signer, out.signed_at
            except IetmError as exc:  # no usable trust store: say so, the entries can still be listed
                status, reason = "untrusted", f"cannot check signatures: {exc}"
        data = seen.get(manifest.name)
        try:
            root, entries = parse(data if data is not None else manifest.read_bytes(), str(manifest))
        except (InputError, OSError) as exc:
            return Release(manifest, "invalid", str(exc), signer, signed_at, None, None, {})
        return Release(manifest, status, reason, signer, signed_at, root.get("name"), root.get("created"),
                       {e.path: e for e in entries})

    def state(self, release: Release, rel: str) -> str:
        """One file against the release: matches, changed, missing, or unlisted."""
        entry = release.entries.get(rel)
        if entry is None:
            return "unlisted"
        found = self.digest(self.csdb / rel)
        if found is None:
            return "missing"
        return "matches" if found == entry.sha256 else "changed"

    # -- what a page shows -----------------------------------------------------------------------------------

    def badge(self, path: Path, language: str) -> dict:
        """The badge of one module page: status (for styling), headline, detail and the release line."""
        path = self.canonical(path)
        s = self.status(path)
        status = s["status"]
        when = word("on", language, date=_date(s["signed_at"])) if s.get("signed_at") else ""
        qa = word(f"qa_{s['verification']}", language) if s.get("verification") in ("first", "second") \
            else word("qa_none", language)
        signer = s.get("signer") or "?"
        if status == "invalid" and s.get("changed"):
            headline = word("invalid", language, files=", ".join(s["changed"]))
        elif status == "invalid":
            headline = word("invalid_other", language, reason=localise(s.get("reason") or "", language))
        else:
            headline = word(status, language, signer=signer, when=when, qa=qa)
        try:
            rel = path.relative_to(self.csdb).as_posix()
        except ValueError:
            rel = path.name
        release_line = None
        release_state = None
        release = self.release()
        if release is not None:
            release_state = self.state(release, rel)
            key = {"matches": "in_release", "unlisted": "not_in_release"}.get(release_state, "release_changed")
            release_line = word(key, language, name=release.name or MANIFEST_NAME)
            if release.status != "valid":
                release_line += f" ({release.status}: {localise(release.reason, language)})"
        return {
            "certificate": _certificate_line(s, language),
            "status": status, "signed": s["signed"], "valid": s["valid"], "signer": s.get("signer"),
            "signed_at": s.get("signed_at"), "verification": s.get("verification"), "changed": s.get("changed", []),
            "reason": s.get("reason"), "headline": headline, "detail": s.get("reason") if status not in ("unsigned", "valid") else None,
            "source": rel, "release": release_line, "release_state": release_state, "qa_text": qa if s["signed"] else None,
        }


def _certificate_line(s: dict, language: str) -> str | None:
    """The signer's certificate in one line: the qualified form's identifiers and CIPF class, or what it lacks."""
    from ietm.sign.qualified import ATTRIBUTES

    form = s.get("qualified")
    if not form or not s.get("signed"):
        return None
    issuer = next((part.split("=", 1)[1] for part in (s.get("issuer") or "").split(",") if part.startswith("CN=")),
                  s.get("issuer") or "?")
    ids = ", ".join(f"{ATTRIBUTES[k][1]} {v}" for k, v in form["subject"].items())
    if form["qualified"]:
        klass = word("cert_class", language, klass=form["cipf_class"]) if form.get("cipf_class") else ""
        return word("cert_qualified", language, ids=ids, klass=klass, issuer=issuer)
    missing = ", ".join([t(FORM_ITEMS[m], language) if m in FORM_ITEMS else m for m in form["missing"]] + form["malformed"])
    return word("cert_plain", language, algorithm=s.get("algorithm") or "", missing=missing, issuer=issuer)


def _date(stamp: str) -> str:
    """2026-11-29T06:20:00Z -> 2026-11-29 06:20 UTC (the signer's stated time)."""
    return stamp.replace("T", " ")[:16] + " UTC" if "T" in stamp else stamp
