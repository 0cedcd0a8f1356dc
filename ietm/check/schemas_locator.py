"""Finding schemas offline: OASIS XML catalogs and schema folders, never the network.

S1000D objects name their schema by URL (`http://www.s1000d.org/S1000D_4-2/xml_schema_flat/proced.xsd`);
the 5.0 schemas import `http://www.w3.org/2001/xml.xsd`. Each URL is mapped to a local file by, in order,
the user's catalogs, the user's schema folders (by file name, any letter case), and the project's own
catalog (`schemas/catalog.xml`: the ietm profile and the xml namespace schema).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from ietm.errors import ConfigError
from ietm.parse.loader import syntax_message
from ietm.paths import SCHEMA_CATALOG

CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _to_path(uri: str, base: Path) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme in ("", None) or len(parsed.scheme) == 1:  # relative, or a Windows drive letter
        return (base / unquote(uri)).resolve()
    raise ConfigError(f"catalog maps to '{uri}', which is not a local file")


@dataclass
class OasisCatalog:
    """The entries of one OASIS catalog (and the catalogs it chains to) that map system ids and URIs."""

    exact: dict[str, Path] = field(default_factory=dict)
    prefixes: list[tuple[str, str, Path]] = field(default_factory=list)  # (start, rewrite prefix, base)
    suffixes: list[tuple[str, Path]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, seen: set[Path] | None = None) -> OasisCatalog:
        seen = seen or set()
        path = path.resolve()
        cat = cls()
        if path in seen:
            return cat
        seen.add(path)
        try:
            root = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)).getroot()
        except OSError:
            raise ConfigError("XML catalog not found", str(path)) from None
        except etree.XMLSyntaxError as exc:
            raise ConfigError(f"XML catalog is not well-formed: {syntax_message(exc)}", str(path), exc.lineno) from None
        if root.tag != f"{CATALOG_NS}catalog":
            raise ConfigError("not an OASIS XML catalog (root must be {urn:oasis:names:tc:entity:xmlns:xml:catalog}catalog)", str(path))
        base = path.parent
        for el in root.iter():
            tag = el.tag.replace(CATALOG_NS, "") if isinstance(el.tag, str) else ""
            xml_base = el.get(XML_BASE)
            b = _to_path(xml_base, base) if xml_base else base
            if tag in ("system", "uri"):
                ident = el.get("systemId") or el.get("name")
                if ident and el.get("uri"):
                    cat.exact.setdefault(ident, _to_path(el.get("uri"), b))
            elif tag in ("rewriteSystem", "rewriteURI"):
                start = el.get("systemIdStartString") or el.get("uriStartString")
                if start and el.get("rewritePrefix") is not None:
                    cat.prefixes.append((start, el.get("rewritePrefix"), b))
            elif tag in ("systemSuffix", "uriSuffix"):
                suffix = el.get("systemIdSuffix") or el.get("uriSuffix")
                if suffix and el.get("uri"):
                    cat.suffixes.append((suffix, _to_path(el.get("uri"), b)))
            elif tag == "nextCatalog" and el.get("catalog"):
                nxt = cls.read(_to_path(el.get("catalog"), b), seen)
                for k, v in nxt.exact.items():
                    cat.exact.setdefault(k, v)
                cat.prefixes += nxt.prefixes
                cat.suffixes += nxt.suffixes
        cat.prefixes.sort(key=lambda p: len(p[0]), reverse=True)  # the longest match wins, as OASIS says
        return cat

    def resolve(self, url: str) -> Path | None:
        if url in self.exact:
            return self.exact[url]
        for start, prefix, base in self.prefixes:
            if url.startswith(start):
                rest = url[len(start):]
                target = prefix if prefix.endswith("/") or not rest else prefix + "/"
                return _to_path(target + rest, base)
        for suffix, path in self.suffixes:
            if url.endswith(suffix):
                return path
        return None


class SchemaLocator:
    """Maps a schema URL to a local file; its order of sources is the one the module docstring gives."""

    def __init__(self, dirs: list[Path] = (), catalogs: list[Path] = (), profile_first: bool = False) -> None:
        self.dirs = [Path(d) for d in dirs]
        for d in self.dirs:
            if not d.is_dir():
                raise ConfigError("schema folder not found", str(d))
        self.catalog_paths = [Path(c) for c in catalogs]
        self.catalogs = [OasisCatalog.read(c) for c in self.catalog_paths]
        self.project = OasisCatalog.read(SCHEMA_CATALOG) if SCHEMA_CATALOG.is_file() else OasisCatalog()
        self.profile_first = profile_first
        self._by_name: dict[str, Path] = {}
        for d in reversed(self.dirs):  # earlier folders win
            for folder, _, files in os.walk(d):
                for name in files:
                    if name.lower().endswith(".xsd"):
                        self._by_name[name.lower()] = Path(folder) / name

    def resolve(self, url: str) -> Path | None:
        if self.profile_first:
            found = self.project.resolve(url)
            if found is not None and found.is_file():
                return found
        for cat in self.catalogs:
            found = cat.resolve(url)
            if found is not None and found.is_file():
                return found
        name = url.rstrip("/").rsplit("/", 1)[-1].lower()
        if name in self._by_name:
            return self._by_name[name]
        found = self.project.resolve(url)
        if found is not None and found.is_file():
            return found
        return None

    @property
    def spec(self) -> tuple[list[str], list[str], bool]:
        """What a worker process needs to build the same locator."""
        return [str(d) for d in self.dirs], [str(c) for c in self.catalog_paths], self.profile_first


class _Resolver(etree.Resolver):
    """Resolves schema imports and includes through the locator; refuses anything remote it cannot map."""

    def __init__(self, locator: SchemaLocator) -> None:
        super().__init__()
        self.locator = locator

    def resolve(self, url, pubid, context):  # type: ignore[override]
        if url is None:
            return None
        if "://" in url and not url.startswith("file:"):
            local = self.locator.resolve(url)
            if local is None:
                raise ConfigError(f"schema import '{url}' has no local copy; add its folder with --schemas or map it in a catalog")
            return self.resolve_filename(str(local), context)
        return None


def compile_schema(path: Path, locator: SchemaLocator) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_Resolver(locator))
    try:
        doc = etree.parse(str(path), parser)
        return etree.XMLSchema(doc)
    except etree.XMLSchemaParseError as exc:
        raise ConfigError(f"schema cannot be compiled: {exc}", str(path)) from None
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"schema is not well-formed: {syntax_message(exc)}", str(path), exc.lineno) from None
    except OSError as exc:
        raise ConfigError(f"schema cannot be read: {exc}", str(path)) from None
