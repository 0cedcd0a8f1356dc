"""The web manual (FastAPI): routes over one CSDB (ietm.web.app); pages come from ietm.web.pages and ietm.render.

Nothing is imported here: `ietm publish` and the other commands use the site model (ietm.web.site) without
paying for the web framework's import (over a second of a re-publish's start-up)."""
