"""S1000D applicability: the ACT/CCT/PCT tables, evaluation of `applic` expressions, and their JSON form.

Pure functions over lxml elements; the viewer, the publisher and `ietm instance` share them. The rules of
evaluation (value sets, ranges, unknown attributes) are written down in `ietm.applic.expr`.
"""

from ietm.applic.csdb import Applicability, Scope, act_ref
from ietm.applic.expr import evaluate, evaluate_json, in_set, parse_values, to_json
from ietm.applic.tables import Act, Cct, Pct, Product, Property

__all__ = [
    "Act", "Applicability", "Cct", "Pct", "Product", "Property", "Scope", "act_ref",
    "evaluate", "evaluate_json", "in_set", "parse_values", "to_json",
]
