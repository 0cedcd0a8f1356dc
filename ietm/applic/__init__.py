"""S1000D applicability: the ACT/CCT/PCT tables, evaluation of `applic` expressions, and their JSON form.

Pure functions over lxml elements; the viewer, the publisher and `ietm instance` share them. The rules of
evaluation (value sets, ranges, unknown attributes) are written down in `ietm.applic.expr`.

    applic = Applicability.for_csdb(catalog_or_folder)
    applic.products()                               # [Product(id, assigns)], .assignment is {ident: value}
    scope = applic.scope_of(module_root)            # the module's ACT, CCT, PCT and declared properties
    values = applic.assignment_for(product, scope)  # the product's values where its PCT applies
    evaluate(applic.annotations(module_root)["app-0001"], values)  # True, False or None (unknown)
    evaluate(applic.whole(module_root)[1], values)  # the whole object (status applic, or applicRef resolved)
    to_json(applic_element)                         # the same expression for the browser
"""

from ietm.applic.csdb import Applicability, Scope, act_ref
from ietm.applic.expr import evaluate, evaluate_json, in_set, parse_values, to_json
from ietm.applic.tables import Act, Cct, Pct, Product, Property

__all__ = [
    "Act", "Applicability", "Cct", "Pct", "Product", "Property", "Scope", "act_ref",
    "evaluate", "evaluate_json", "in_set", "parse_values", "to_json",
]
