"""Why a signature holds or not, in English and Russian: the reasons `ietm verify`, the viewer's badge and /release
give, declared once into the one table of interface words (ietm.i18n) under keys starting with "vr_".

A reason is made with `reason(key, ...)`: it is English where a machine reads it (JSON, the audit log) and in the
reader's language on a page or in a Russian terminal (ietm.i18n.localise).
"""

from __future__ import annotations

from ietm.i18n import STRINGS, Message, message, words

words({
    # the cryptography of the signature file
    "vr_cert_unreadable": ("certificate in the signature is unreadable", "сертификат в подписи не читается"),
    "vr_no_cert": ("signature carries no X.509 certificate (ietm requires the signer's certificate in KeyInfo)",
                   "в подписи нет сертификата X.509 (ietm требует сертификат подписанта в `KeyInfo`)"),
    "vr_algorithm": ("signature algorithm {algorithm} is not accepted", "алгоритм подписи {algorithm} не принимается"),
    "vr_digest_algorithm": ("digest algorithm {algorithm} is not accepted",
                            "алгоритм хэширования {algorithm} не принимается"),
    "vr_wrong_key": ("wrong certificate: the signature was made with the key of certificate {claimed}…, not with that "
                     "of {signer} which it carries",
                     "не тот сертификат: подпись сделана ключом сертификата {claimed}…, а не приложенного сертификата "
                     "{signer}"),
    "vr_cert_absent": ("wrong certificate: the signer's certificate ({sid}) is not in the signature",
                       "не тот сертификат: сертификата подписанта ({sid}) нет в подписи"),
    "vr_cert_not_named_nor_key": ("wrong certificate: {signer} is not the certificate named in the signature's "
                                  "signing-certificate attribute, and its key did not sign",
                                  "не тот сертификат: {signer} не назван в атрибуте `signing-certificate` подписи, "
                                  "и подписано не его ключом"),
    "vr_cert_not_named": ("wrong certificate: {signer} is not the certificate named in the signature's "
                          "signing-certificate attribute",
                          "не тот сертификат: {signer} не назван в атрибуте `signing-certificate` подписи"),
    "vr_value": ("signature value does not match: the signature file was altered or made with another key than its "
                 "certificate's",
                 "значение подписи не совпадает: файл подписи изменён или подписан другим ключом, чем ключ сертификата"),
    "vr_statement": ("the signature file was altered: its approval statement differs from what was signed",
                     "файл подписи изменён: заявление об утверждении отличается от подписанного"),
    "vr_malformed": ("malformed signature: {detail}", "подпись повреждена: {detail}"),
    "vr_not_gost_key": ("the signer's certificate has no GOST R 34.10-2012 {bits}-bit key",
                        "в сертификате подписанта нет ключа ГОСТ Р 34.10-2012 длиной {bits} бит"),
    "vr_ref_digest": ("reference {uri} has no GOST R 34.11-2012 digest",
                      "у ссылки {uri} нет хэша ГОСТ Р 34.11-2012"),
    "vr_ref_bytes": ("reference {uri} is not a file by its exact bytes",
                     "ссылка {uri} — не файл в его точных байтах"),
    "vr_no_ess": ("not a CAdES-BES signature: no signing-certificate attribute binds the signer's certificate (sign "
                  "with `openssl cms -sign -cades`)",
                  "это не подпись `CAdES-BES`: нет атрибута `signing-certificate`, связывающего сертификат подписанта "
                  "(подписывайте `openssl cms -sign -cades`)"),
    "vr_no_digest_attr": ("not a CAdES-BES signature: content-type (data) or message-digest attribute missing",
                          "это не подпись `CAdES-BES`: нет атрибута `content-type` (`data`) или `message-digest`"),
    # what the signature covers
    "vr_covers": ("signature covers {files}, not {expected}", "подпись покрывает {files}, а не {expected}"),
    "vr_no_file": ("no file", "ни одного файла"),
    "vr_kind": ("the signature approves a {signed}, but {files} is a {kind}",
                "подпись утверждает объект вида {signed}, а {files} — вида {kind}"),
    "vr_changed": ("{file} changed since it was signed ({digest} differs)",
                   "{file} изменён после подписания (не совпадает {digest})"),
    "vr_streebog": ("Streebog", "хэш «Стрибог»"),
    "vr_digest": ("digest", "хэш"),
    "vr_file_missing": ("signed file {file} is missing", "подписанный файл {file} отсутствует"),
    "vr_object_missing": ("the signed file is missing", "подписанный файл отсутствует"),
    "vr_unsigned": ("no signature ({names} not found)", "нет подписи (не найден {names})"),
    "vr_or": ("{a} or {b}", "{a} или {b}"),
    "vr_and": ("{a}, {b}", "{a}, {b}"),
    "vr_then": ("{a}; {b}", "{a}; {b}"),
    "vr_icn_entities": ("ICN entity declarations of {file} changed since it was signed: {diffs}",
                        "объявления сущностей ICN в {file} изменены после подписания: {diffs}"),
    "vr_icn_renamed": ("{entity} now names {now} (signed: {was})", "{entity} теперь ссылается на {now} (подписано: {was})"),
    "vr_icn_added": ("{entity} added ({now})", "{entity} добавлена ({now})"),
    "vr_icn_removed": ("{entity} removed (was {was})", "{entity} удалена (была {was})"),
    "vr_icn_missing": ("illustration {file} ({entity}) is missing", "иллюстрация {file} ({entity}) отсутствует"),
    "vr_icn_changed": ("illustration {file} ({entity}) changed since it was signed",
                       "иллюстрация {file} ({entity}) изменена после подписания"),
    "vr_signed_by": ("signed by {signer}", "подписано: {signer}"),
    "vr_signed_by_on": ("signed by {signer} on {when}", "подписано: {signer}, {when}"),
    # a release manifest and its files
    "vr_release_unsigned": ("release manifest has no signature ({name}.sig or .xsig)",
                            "манифест выпуска не подписан (нет `{name}.sig` или `{name}.xsig`)"),
    "vr_not_in_release": ("{n} file(s) not in the release: {files}", "файлов не из выпуска: {n}: {files}"),
    "vr_changed_since_release": ("{n} file(s) changed since release: {files}",
                                 "файлов изменено после выпуска: {n}: {files}"),
    "vr_missing_files": ("{n} file(s) missing: {files}", "файлов отсутствует: {n}: {files}"),
    "vr_match": ("{n} file(s) match the manifest", "файлов совпадает с манифестом: {n}"),
    "vr_cannot_check": ("cannot check signatures: {error}", "проверить подписи нельзя: {error}"),
    # the signer's certificate against the trust store and the policy
    "vr_untrusted": ("signer {signer} (issued by {issuer}) does not chain to a certificate in the trust store",
                     "подписант {signer} (издатель {issuer}) не восходит к доверенному сертификату"),
    "vr_not_before": ("certificate {subject} is not valid before {when}", "сертификат {subject} действует только с {when}"),
    "vr_expired": ("certificate {subject} expired on {when}", "срок действия сертификата {subject} истёк {when}"),
    "vr_revoked": ("certificate {subject} (serial {serial}) was revoked on {when} by {issuer}",
                   "сертификат {subject} (серийный номер {serial}) отозван {when} издателем {issuer}"),
    "vr_no_signing_usage": ("certificate {subject} does not allow digital signatures",
                            "сертификат {subject} не допускает электронную подпись"),
    "vr_key_before": ("the private key of {subject} was used on {used}, before its usage period begins ({start})",
                      "ключ электронной подписи {subject} использован {used}, до начала срока его действия ({start})"),
    "vr_key_after": ("the private key of {subject} was used on {used}, after its usage period ended ({end})",
                     "ключ электронной подписи {subject} использован {used}, после окончания срока его действия ({end})"),
    "vr_role": ("signer {signer} has role(s) {have}; policy lets only {allowed} approve {kind}",
                "у подписанта {signer} роли: {have}; утверждать {kind} политика разрешает только: {allowed}"),
    "vr_nobody": ("nobody", "никому"),
    "vr_no_role": ("none", "нет"),
    "vr_role_may": ("role {role} may approve {kind}", "роль {role} может утверждать {kind}"),
    "vr_form": ("certificate of {signer} does not meet the policy: {shortfalls}",
                "сертификат {signer} не соответствует политике: {shortfalls}"),
    "vr_role_requires": ("role {role} requires {lacking}", "роль {role} требует {lacking}"),
    "vr_need_qualified": ("the qualified form ({verdict})", "квалифицированную форму ({verdict})"),
    "vr_need_class": ("a signature tool of class {needed} or higher (certificate names {have})",
                      "средство ЭП класса {needed} или выше (в сертификате: {have})"),
    # the register of signing-key holders and the approval route
    "vr_may_not_sign": ("{signer} may not sign this {kind}: {why}", "{signer} не может подписывать {kind}: {why}"),
    "vr_cert_refused": ("may not be signed with this certificate: {why}", "подписывать этим сертификатом нельзя: {why}"),
    "vr_appointed": ("appointed as {role}", "назначен: «{role}»"),
    "vr_no_appointment": ("signed on {when} by a signer with no appointment then: {why}",
                          "подписано {when} лицом, не назначенным тогда: {why}"),
    "vr_no_certificate": ("no certificate", "нет сертификата"),
    "vr_route": ("route {done}/{total}: {steps}{left}", "маршрут {done}/{total}: {steps}{left}"),
    "vr_route_no_step": ("no step yet", "ни одного шага"),
    "vr_route_next": ("; next {role}", "; далее «{role}»"),
    "vr_route_complete": ("; complete", "; пройден"),
    "vr_step_missing": ("{folder}: route step {n} is missing", "{folder}: нет шага маршрута {n}"),
    "vr_step": ("route step {n}: {detail}", "шаг маршрута {n}: {detail}"),
    "vr_step_out_of_place": ("route step {n}: out of place (its number or link to the step before does not match)",
                             "шаг маршрута {n} не на своём месте (не совпадает номер или ссылка на предыдущий шаг)"),
    "vr_step_role": ("route step {n} is signed as {role}, but the route has {expected} there",
                     "шаг маршрута {n} подписан как «{role}», а по маршруту там «{expected}»"),
    "vr_step_no_such": ("no such step", "такого шага нет"),
    "vr_step_file": ("route step {n} approves {file}, not {expected}", "шаг маршрута {n} утверждает {file}, а не {expected}"),
    "vr_step_changed": ("{file} changed since route step {n} ({role}) signed it",
                        "{file} изменён после подписания на шаге маршрута {n} («{role}»)"),
    "vr_step_appointment": ("route step {n} ({role}, {when}): {why}", "шаг маршрута {n} («{role}», {when}): {why}"),
})

#: the reasons js/verify.js gives when it checks signatures on the device (in a published bundle, offline); the English
#: is also written in verify.js for pages without this table, tests/test_verify_js_words.py keeps the two the same
words({f"vr_device_{key}": pair for key, pair in {
    "not_xmldsig": ("the release signature is not an XML Signature", "подпись выпуска — не `XML Signature`"),
    "incomplete": ("the release signature is incomplete", "подпись выпуска неполна"),
    "c14n": ("unsupported canonicalisation of the release signature",
             "канонизация подписи выпуска не поддерживается"),
    "algorithm": ("unsupported signature algorithm {uri}", "алгоритм подписи {uri} не поддерживается"),
    "ref_digest": ("reference {target} is neither SHA-256 nor GOST R 34.11-2012",
                   "хэш ссылки {target} — ни SHA-256, ни ГОСТ Р 34.11-2012"),
    "statement": ("the approval statement is missing or not canonicalised as ietm does",
                  "заявления об утверждении нет или оно канонизировано не так, как в ietm"),
    "ref_other": ("the release signature refers to {target}, which a browser does not check",
                  "подпись выпуска ссылается на {target}, а это браузер не проверяет"),
    "changed": ("{file} changed since it was signed", "{file} изменён после подписания"),
    "not_covered": ("the signature does not cover {file}", "подпись не покрывает {file}"),
    "no_cert": ("the release signature carries no certificate", "в подписи выпуска нет сертификата"),
    "value": ("signature value does not match: the signature file was altered",
              "значение подписи не совпадает: файл подписи изменён"),
    "encoding": ("the signature is neither DER nor base64", "подпись — ни `DER`, ни `base64`"),
    "not_cms": ("not a CMS SignedData", "это не `CMS SignedData`"),
    "attached": ("the signature encapsulates its content", "подпись содержит сам документ (не отсоединённая)"),
    "signers": ("the signature has {n} signers", "подписантов в подписи: {n}"),
    "unreadable": ("the signature is not a readable CMS structure", "подпись — не читаемая структура CMS"),
    "cert_absent": ("wrong certificate: the signer's certificate is not in the signature",
                    "не тот сертификат: сертификата подписанта нет в подписи"),
    "no_attrs": ("the signature has no signed attributes (not CAdES-BES)",
                 "в подписи нет подписанных атрибутов (это не `CAdES-BES`)"),
    "digest": ("unsupported digest {oid}", "алгоритм хэширования {oid} не поддерживается"),
    "cert_other_key": ("wrong certificate: {signer} did not make the signature",
                       "не тот сертификат: подпись сделана не ключом {signer}"),
    "no_ess": ("not a CAdES-BES signature: no signing-certificate attribute",
               "это не подпись `CAdES-BES`: нет атрибута `signing-certificate`"),
    "cert_not_named": ("wrong certificate: {signer} is not the one the signature names",
                       "не тот сертификат: {signer} — не тот, что назван в подписи"),
    "no_webcrypto": ("this browser offers no WebCrypto here (it needs https or localhost)",
                     "браузер не даёт здесь `WebCrypto` (нужен `https` или `localhost`)"),
    "unreadable_files": ("cannot read {file} or its signature: {error}", "не удаётся прочитать {file} или его подпись: {error}"),
    "sig_unreadable": ("the release signature cannot be read: {error}", "подпись выпуска не читается: {error}"),
    "not_manifest": ("{file} is not a release manifest", "{file} — не манифест выпуска"),
    "on": (" on {when}", ", {when}"),
    "changed_files": ("{n} file(s) changed since release: {files}", "файлов изменено после выпуска: {n}: {files}"),
    "missing_files": ("{n} file(s) missing: {files}", "файлов отсутствует: {n}: {files}"),
    "match": ("; {n} file(s) match the manifest", "; файлов совпадает с манифестом: {n}"),
    "untrusted": ("signer {signer} does not chain to a trusted certificate",
                  "подписант {signer} не восходит к доверенному сертификату"),
    "not_before": ("certificate {subject} is not valid before {when}", "сертификат {subject} действует только с {when}"),
    "expired": ("certificate {subject} expired on {when}", "срок действия сертификата {subject} истёк {when}"),
    "role": ("signer {signer} has no role allowed to approve a release",
             "у подписанта {signer} нет роли, которой разрешено утверждать выпуск"),
    "signed_by": ("signed by {signer}", "подписано: {signer}"),
}.items()})

#: the kinds of object a signing policy names ([approve]) and ietm's own roles, as a reader names them (in English
#: as the policy writes them, so what scripts read stays the same)
words({f"vr_kind_{kind}": (kind, ru) for kind, ru in (
    ("dm", "модули данных"), ("pm", "модули публикации"), ("dml", "списки модулей данных"),
    ("ddn", "уведомления о передаче данных"), ("comment", "замечания"), ("imf", "файлы метаданных иллюстраций"),
    ("release", "выпуск"))})
words({"vr_role_qa": ("qa", "ОТК"), "vr_role_writer": ("writer", "разработчик")})


def named(kind: str, value: str) -> object:
    """An object kind ("kind") or a policy role ("role") in the reader's language where ietm knows it; else as it is."""
    key = f"vr_{kind}_{value}"
    return message(key) if key in STRINGS else value


def reason(key: str, /, **values: object) -> Message:
    """A reason in English that a page or a Russian terminal shows in its reader's language."""
    return message(f"vr_{key}", **values)


def joined(parts: list, key: str = "then") -> object:
    """Parts of a reason one after another ("a; b; c"), each in the reader's language: a message when there are
    several, the part itself when there is one, "" when none."""
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        out = reason(key, a=out, b=part)
    return out
