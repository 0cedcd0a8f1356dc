"""One router per resource: home, publications, data modules, illustrations, products, JSON API."""
