"""The server's URL builder (ietm.render.Links): stable addresses `/dm/<code>`, `/pm/<code>`, `/icn/<file>`."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ietm.web.site import Site


def dm_address(key: str) -> str:
    """`DMC-X-...` -> `/dm/X-...`; extended codes keep their `DME-` prefix, which is part of the code."""
    return "/dm/" + quote(key[4:] if key.startswith("DMC-") else key)


def pm_address(key: str) -> str:
    return "/pm/" + quote(key[4:] if key.startswith("PMC-") else key)


class ServerLinks:
    """Links for `ietm serve`. A reference to an object the CSDB lacks gives None: the renderer shows it broken."""

    def __init__(self, site: Site, pm: str | None = None, hidden: frozenset[str] = frozenset()) -> None:
        self.site = site
        self.publication = pm  # the publication being read, kept on links so next/previous follow it
        self.hidden = hidden  # modules above the reader's clearance: as unknown to them as a missing one

    def _query(self, key: str, issue: str | None) -> str:
        """An issue the reference pins (when the CSDB has it) and the publication being read. The language
        a reference names is not kept: the reader's choice of language decides where both exist."""
        params = {}
        latest = self.site.latest[key]
        if issue and issue != latest.issue and any(c.issue == issue for c in self.site.copies[key]):
            params["issue"] = issue
        if self.publication and key.startswith(("DMC-", "DME-")):
            params["pm"] = self.publication[4:]
        return "?" + urlencode(params) if params else ""

    def dm(self, key: str, issue: str | None = None, language: str | None = None, fragment: str | None = None) -> str | None:
        if key not in self.site.copies or key in self.hidden:
            return None
        url = dm_address(key) + self._query(key, issue)
        return url + "#" + quote(fragment) if fragment else url

    def pm(self, key: str, issue: str | None = None, language: str | None = None) -> str | None:
        if key not in self.site.copies or key in self.hidden:
            return None
        return pm_address(key) + self._query(key, issue)

    def icn(self, name: str) -> str | None:
        path = self.site.icn_path(name)
        return "/icn/" + quote(path.name) if path is not None else None

    def static(self, path: str) -> str:
        return "/static/" + path.lstrip("/")
