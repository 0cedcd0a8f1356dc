"""Checks of a CSDB: schema validation, BREX, references, applicability, completeness, and the gate."""
