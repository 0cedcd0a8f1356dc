"""Page modules: one router per resource (home, publications, data modules, illustrations, products, the JSON
API, search, the release, login, upload, remarks, QA, live preview).

Each depends only on the shared base of ietm.web (access, deps, changes, pages, site, links, i18n, searching,
signatures), never on another page module; tests/test_web_layout.py keeps it so. ietm.web.app assembles them.
"""
