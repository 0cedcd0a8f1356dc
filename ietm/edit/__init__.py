"""Authoring in the browser: a structured editor for data modules that the schema keeps valid.

`grammar` turns the XSD content models of a module's schema into automata the browser runs; `document` moves a
module between XML and the editor's JSON; `save` checks and writes a save (new in-work issue, conflicts, audit);
`web` is the router of /edit and /api/edit.
"""
