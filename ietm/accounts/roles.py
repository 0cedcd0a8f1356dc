"""What each role may do: a role is a set of permissions, not a rung of a ladder.

Writers, QA and admins grow out of the technician (each may do what the one before may, and more); the supply
department's clerk stands beside them: reads the manual and works the supply desk, nothing else. Routes ask for a
permission (`require("upload")`), never for a role, so a new role is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ietm.i18n import words

#: every permission a route may ask for, with what it allows (English, Russian)
PERMISSIONS: dict[str, tuple[str, str]] = {
    "read": ("read the manual, up to the user's clearance", "читать руководство в пределах допуска"),
    "remark": ("send remarks on a module", "отправлять замечания к модулю"),
    "order": ("put together and submit spare-part orders", "составлять и отправлять заказы запчастей"),
    "upload": ("upload modules and preview them", "загружать модули и просматривать их"),
    "edit": ("edit and create modules in the browser editor", "редактировать и создавать модули в редакторе"),
    "review_remarks": ("read the queue of remarks from the field", "читать замечания из эксплуатации"),
    "approve": ("verify and sign revisions (QA)", "верифицировать и подписывать выпуски (ОТК)"),
    "handle_orders": ("work the supply desk: incoming spare-part orders at /orders",
                      "работать со входящими заказами запчастей (/orders)"),
    "manage_users": ("manage the server's users", "управлять пользователями сервера"),
    "manage_register": ("keep the register of signing-key holders", "вести реестр владельцев ключей ЭП"),
    "manage_deliveries": ("keep the register of deliveries to customers (/admin/deliveries)",
                          "вести реестр поставок ИЭТР заказчикам (/admin/deliveries)"),
    "review_usage": ("see how the manual is used (/usage)", "видеть, как используется руководство (/usage)"),
    "see_usage_people": ("see who used the manual, on /usage", "видеть на /usage, кто пользовался руководством"),
}
words({f"may_{name}": said for name, said in PERMISSIONS.items()})  # "your role may not <what>" on a page

_TECHNICIAN = frozenset({"read", "remark", "order"})
_WRITER = _TECHNICIAN | {"upload", "edit", "review_remarks"}
_QA = _WRITER | {"approve", "review_usage"}

#: role -> its permissions; the order is the order `ietm user` lists them in
ROLES: dict[str, frozenset[str]] = {
    "technician": _TECHNICIAN,
    "writer": _WRITER,
    "qa": _QA,
    "admin": frozenset(PERMISSIONS),
    "supply": frozenset({"read", "handle_orders"}),
}
#: S1000D security classifications, lowest first
SECURITY_CLASSES = ("01", "02", "03", "04", "05")


def known_permission(permission: str) -> str:
    """The permission itself, or an error naming the known ones (a typo in a route fails at import, not later)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")
    return permission


@dataclass(frozen=True)
class User:
    name: str
    role: str
    clearance: str

    def may(self, permission: str) -> bool:
        """Whether this user's role grants `permission` (one of PERMISSIONS)."""
        return known_permission(permission) in ROLES.get(self.role, ())

    def cleared_for(self, security: str | None) -> bool:
        return (security or "01") <= self.clearance


#: who a request is attributed to when nobody is logged in: reads (when the server allows it) and nothing else
ANONYMOUS = User("", "anonymous", "01")
