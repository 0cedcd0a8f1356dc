"""Spare-part and materials orders: from the technician's tablet to the supply desk and the ERP.

`parts` knows what a manual lets a technician order and where it applies; `validate` checks an order against
it; `store` keeps orders in the server database (tables in `tables`); `erp` delivers approved orders to the
ERP from an outbox table; `exports` writes CSV, XML (schemas/orders/orders.xsd) and the ERP's JSON; `stats`
sums consumption; `web` is the HTTP API and the supply desk at /orders; `commands` the `ietm orders` command.
"""
