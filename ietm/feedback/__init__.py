"""Feedback from the field: a technician's remark on a module becomes an S1000D comment object (a query)."""
