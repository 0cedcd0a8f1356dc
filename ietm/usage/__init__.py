"""How the manual is used: events reported by the viewer and by delivered bundles, and the /usage page.

`tables` declares the events in the server database; `store` records them (each once) and answers what the page
asks (coverage, counts per release and product model, the people, for admin only); `charts` draws plain SVG on the
server; `web` is the API the pages and bundles send to and the page itself.
"""
