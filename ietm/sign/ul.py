"""The information-certifying sheet (информационно-удостоверяющий лист, УЛ, GOST 2.051) of a release.

GOST 2.051 makes an electronic document's УЛ the paper (or printable) witness of what was approved: the
document's designation and title, each file with its checksum, and who signed in which capacity and when.
ietm draws it from the signed release manifest (`ietm release`): every file listed with its GOST R 34.11-2012
(Streebog-256) digest computed now, every signature (of the release, and each object's own, route steps
included) with role, name, date, certificate serial and issuer, and the verdict `ietm verify` gives.

`information_sheet(csdb)` returns the sheet as plain data (a dict) for every consumer: `ietm ul`, the page
`/release/ul`, and the ESKD PDF; `render_html` gives the printable page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ietm.errors import ConfigError, NotFound
from ietm.i18n import words

words({  # the sheet's words (key -> (English, Russian))
    "ul_title": ("Information-certifying sheet", "Информационно-удостоверяющий лист"),
    "ul_link": ("Information-certifying sheet (УЛ)", "Информационно-удостоверяющий лист (УЛ)"),
    "ul_designation": ("Designation", "Обозначение"),
    "ul_name": ("Title", "Наименование"),
    "ul_release": ("Release", "Выпуск"),
    "ul_created": ("Released", "Дата выпуска"),
    "ul_manifest": ("Release manifest", "Перечень выпуска"),
    "ul_verdict": ("Verification of the signatures", "Результат проверки подписей"),
    "ul_signatories": ("Signatures of the release", "Подписи выпуска"),
    "ul_files": ("Files of the release", "Файлы выпуска"),
    "ul_file_signatures": ("Signatures of the files", "Подписи файлов"),
    "ul_role": ("Role", "Роль"),
    "ul_signer": ("Name", "Фамилия, имя, отчество"),
    "ul_date": ("Date", "Дата"),
    "ul_serial": ("Certificate serial", "Серийный номер сертификата"),
    "ul_issuer": ("Certificate issuer", "Издатель сертификата"),
    "ul_result": ("Result", "Результат"),
    "ul_file": ("File", "Файл"),
    "ul_size": ("Size, bytes", "Размер, байт"),
    "ul_digest": ("Streebog-256 (GOST R 34.11-2012)", "Контрольная сумма ГОСТ Р 34.11-2012 (Стрибог, 256 бит)"),
    "ul_generated": ("Drawn up {when}", "Составлен {when}"),
    "ul_counts": ("{n} files, {s} signatures", "Файлов: {n}, подписей: {s}"),
    "ul_none": ("none", "нет"),
    "ul_print": ("Print", "Печать"),
    "ul_download": ("Download as a file", "Скачать файлом"),
    "verdict_valid": ("valid", "действительна"),
    "verdict_invalid": ("invalid", "недействительна"),
    "verdict_untrusted": ("signer not trusted", "подписант не доверенный"),
    "verdict_expired": ("certificate expired or not yet valid", "срок сертификата истёк или не наступил"),
    "verdict_revoked": ("certificate revoked", "сертификат отозван"),
    "verdict_appointment": ("no appointment in the register", "нет назначения в реестре"),
    "verdict_role": ("role not allowed", "роль не допускается"),
    "verdict_unsigned": ("not signed", "не подписан"),
    "ul_no_release": ("This CSDB has no signed release (`ietm release` makes one).",
                      "В этой базе нет подписанного выпуска (его создаёт `ietm release`)."),
    "ul_number": ("No.", "№ п/п"),
    "ul_policy_qa": ("QA (signing policy)", "ОТК (по политике подписи)"),
    "ul_policy_writer": ("writer (signing policy)", "разработчик (по политике подписи)"),
})

ROLE_UNKNOWN = "—"
STREEBOG = "GOST R 34.11-2012 (Streebog-256)"


def streebog256(paths: list[Path]) -> dict[Path, str]:
    """GOST R 34.11-2012 256-bit digests of files (hex), through the GOST implementation ietm signs with
    (ietm.sign.gost: OpenSSL's GOST engine)."""
    from ietm.sign.gost import streebog256_file

    return {p: streebog256_file(p) for p in paths}


def _signer(cert) -> dict:
    if cert is None:
        return {"serial": None, "issuer": None, "subject": None}
    return {"serial": f"{cert.serial_number:x}", "issuer": cert.issuer.rfc4514_string(), "subject": cert.subject.rfc4514_string()}


def _judged(path: Path, outcome, reg, routes, store, kind: str):
    """`outcome` judged by the register (route.judge) where one is kept; the file's route state, or None."""
    from ietm.sign.route import judge, read_route

    if reg is None or not path.is_file():
        return None
    state = read_route(reg, path, path.read_bytes(), kind, routes, store)
    judge(outcome, reg, routes, store, state)
    return state


def _signatures(outcome, state) -> list[dict]:
    """Every signature of one file: each step of its route where a register is kept, else its one signature."""
    if state is not None:
        if state.steps:
            return [{"role": s.role, "name": s.name, "date": s.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "serial": s.certificate["serial"], "issuer": s.certificate["issuer"], "subject": s.certificate["subject"],
                     "status": s.status if s.status != "valid" else outcome.status,
                     "reason": s.reason or outcome.reason, "step": s.n} for s in state.steps]
    if outcome.status == "unsigned" or not outcome.signature:
        return []
    cert = outcome.cert
    return [{"role": ", ".join(outcome.roles) or ROLE_UNKNOWN, "name": outcome.signer, "date": outcome.signed_at,
             **_signer(cert), "status": outcome.status, "reason": outcome.reason, "step": None}]


PARALLEL_FROM = 24
_context: tuple | None = None  # (store, register, routes) of a worker process


def _load_context(csdb: Path) -> tuple:
    from ietm.sign.route import load
    from ietm.sign.verify import load_store

    store = load_store(csdb)
    routed = load(csdb, store)
    return (store, *(routed if routed is not None else (None, None)))


def _init_worker(csdb: Path) -> None:
    global _context
    _context = _load_context(csdb)


def _verify_file(job: tuple[Path, str], context: tuple | None = None) -> tuple[str, str, list[dict]]:
    """Status, reason and every signature of one object, as `ietm verify` judges them."""
    from ietm.sign.verify import verify_object

    path, kind = job
    store, reg, routes = context or _context
    outcome = verify_object(path, store)
    state = _judged(path, outcome, reg, routes, store, kind)
    return outcome.status, outcome.reason, _signatures(outcome, state)


def _verify_files(csdb: Path, jobs: list[tuple[Path, str]], context: tuple, workers: int = 0) -> list[tuple]:
    """`_verify_file` for every job, in order; on every core when there are many (verifying is CPU-bound)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(workers or os.cpu_count() or 1, max(1, len(jobs) // 12))
    if len(jobs) < PARALLEL_FROM or workers == 1:
        return [_verify_file(j, context) for j in jobs]
    # spawned, not forked: the server asks for the sheet from a thread, and forking a threaded process is unsafe
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(csdb,),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_verify_file, jobs, chunksize=8))


def object_signatures(csdb: Path, path: Path, kind: str) -> list[dict]:
    """Every signature of one object as the sheet lists it: each step of its route where a register is kept
    (role, name, date, status...), else its one signature; for a single object outside a release."""
    return _verify_file((Path(path), kind), _load_context(Path(csdb)))[2]


def information_sheet(csdb: Path, designation: str | None = None, title: str | None = None) -> dict:
    """The УЛ of the CSDB's signed release as data (see the module docstring); NotFound without a release.

    Keys: designation, title, release (name, created, manifest, sha256, streebog256), verdict (status,
    reason, as `ietm verify` of the release), signatories (the release's signatures), files (path, kind, code,
    issue, language, qa, size, sha256, streebog256, state: matches/changed/missing, status and reason of its
    own signature as `ietm verify` gives them, signatures), counts, generated, digest_algorithm.
    """
    from hashlib import sha256

    from ietm.config import load_config
    from ietm.sign.manifest import MANIFEST_NAME, parse
    from ietm.sign.verify import verify_release

    csdb = Path(csdb)
    manifest = csdb / MANIFEST_NAME
    if not manifest.is_file():
        raise NotFound("no release here (release.manifest); `ietm release` makes one", str(csdb))
    context = _load_context(csdb)
    store, reg, routes = context
    data = manifest.read_bytes()
    root, entries = parse(data, str(manifest))
    head = verify_release(manifest, store)[0]
    head_route = _judged(manifest, head, reg, routes, store, "release")
    present = [csdb / e.path for e in entries if (csdb / e.path).is_file()]
    gost = streebog256([manifest, *present])
    jobs = [(csdb / e.path, e.kind) for e in entries if e.kind != "icn" and (csdb / e.path).is_file()]
    verified = dict(zip((j[0] for j in jobs), _verify_files(csdb, jobs, context, load_config(csdb).get("check.jobs"))))
    files, titles = [], {}
    for e in entries:
        path = csdb / e.path
        row = {"path": e.path, "kind": e.kind, "code": e.code, "issue": e.issue, "language": e.language, "qa": e.qa,
               "size": e.size, "sha256": e.sha256, "streebog256": gost.get(path), "signatures": []}
        if not path.is_file():
            row.update(state="missing", status="invalid", reason="the file is missing")
        else:
            now = sha256(path.read_bytes()).hexdigest()
            row["state"] = "matches" if now == e.sha256 else "changed"
            if e.kind == "icn":
                row.update(status=head.status if row["state"] == "matches" else "invalid",
                           reason="covered by the release's signature" if row["state"] == "matches"
                           else "changed since the release")
            else:
                status, reason, signatures = verified[path]
                row.update(status=status, reason=reason, signatures=signatures)
                if e.kind == "pm" and (e.code not in titles or (e.language or "").lower().startswith("ru")):
                    titles[e.code] = _title(path)  # Russian first, where the publication has a Russian copy
        files.append(row)
    signatories = _signatures(head, head_route)
    main_pm = sorted(titles)[0] if titles else None
    counts = {s: sum(1 for f in files if f["state"] == s) for s in ("matches", "changed", "missing")}
    return {
        "designation": designation or (f"{main_pm}-УЛ" if main_pm else f"{root.get('name')}-УЛ"),
        "title": title or (titles[main_pm] if main_pm else root.get("name")),
        "release": {"name": root.get("name"), "created": root.get("created"), "manifest": MANIFEST_NAME,
                    "sha256": sha256(data).hexdigest(), "streebog256": gost[manifest]},
        "verdict": {"status": head.status, "reason": head.reason, "valid": head.status == "valid"},
        "signatories": signatories,
        "files": files,
        "counts": counts,
        "signatures": len(signatories) + sum(len(f["signatures"]) for f in files),
        "digest_algorithm": STREEBOG,
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _title(path: Path) -> str | None:
    from ietm.parse.model import read_object

    try:
        return read_object(path, path.name).title
    except Exception:  # a title is a nicety; the sheet does not fail for it
        return None


def verdict_words(language: str) -> dict[str, str]:
    """The word for each verification status, as the sheet prints it."""
    from ietm.sign.trust import STATUSES
    from ietm.web.i18n import t

    words = {"valid": t("verdict_valid", language), "invalid": t("verdict_invalid", language),
             "untrusted": t("verdict_untrusted", language), "expired": t("verdict_expired", language),
             "revoked": t("verdict_revoked", language), "appointment": t("verdict_appointment", language),
             "role": t("verdict_role", language), "unsigned": t("verdict_unsigned", language)}
    return {s: words.get(s, s) for s in STATUSES}


def role_words(language: str) -> dict[str, str]:
    """How a signature's role reads: ESKD roles as they are, the signing policy's roles (qa, writer) in words."""
    from ietm.i18n import t
    from ietm.sign.register import ROLES, ROLES_EN

    return {**{r: (r if language == "ru" else ROLES_EN[r]) for r in ROLES},
            "qa": t("ul_policy_qa", language), "writer": t("ul_policy_writer", language)}


def template_words(language: str) -> dict:
    """What the sheet's template needs besides the sheet: verdict and role words, language names."""
    from ietm.render.content.codelists import code_name

    return {"verdicts": verdict_words(language), "roles": role_words(language),
            "language_name": lambda code: code_name("language", code, language)}


def render_html(sheet: dict, language: str = "ru", standalone: bool = True) -> str:
    """The sheet as a printable HTML page (standalone: with its own styles, for a file) or a fragment."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from ietm.paths import STATIC, TEMPLATES
    from ietm.i18n import localise, t

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("ul_file.html" if standalone else "_partials/ul_sheet.html")
    css = Markup((STATIC / "css" / "ul.css").read_text(encoding="utf-8"))  # our own file: no reader input in it
    return template.render(ul=sheet, lang=language, css=css, t=lambda key, **v: t(key, language, **v),
                           say=lambda text: localise(text, language), **template_words(language))
