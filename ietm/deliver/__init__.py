"""Deliveries of the manual to customers, and what happens at the customer's end.

`ietm deliver` instances the CSDB's signed release for exactly the products a customer holds, publishes it as
`ietm publish` does, signs it and writes the delivery record (`delivery.json`, signed beside it) that lists
every file of the bundle with its digest; the register of deliveries in the server database says which
customer holds which release for which product. `ietm verify-delivery` (and the bundle's own start page)
checks a delivered set against its signed record and the DML; an update package carries only what changed
since the customer's delivery. Modules:

- `record`: the delivery record and the update record, their signatures and their trust;
- `source`: the CSDB's signed release, the only thing that is delivered;
- `build`: instance, publish, sign, record (the pipeline);
- `check`: a delivered folder or an update package against its record (complete / incomplete / tampered);
- `update`: update packages (only what changed, with deletions) and applying one to a delivered folder;
- `tables`, `register`: the register of deliveries, customers and receipts in the server database;
- `needs`: what each delivered product should have by the DML and what its customer holds;
- `commands`, `web`: the command line and the admin pages.
"""
