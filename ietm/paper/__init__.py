"""The manual on paper: `ietm pdf` prints a publication module as a paged PDF (S1000D print or the ЕСКД form).

book (the PM tree as page-starting modules, rendered by ietm.render) -> compose (one HTML document and its page
CSS) -> engine (WeasyPrint) -> PDF; eskd draws the GOST 2.104 frame and title block; signatories fills it.
"""
