"""Accounts of the shared server: users, roles, clearances, sessions and login throttling."""

from ietm.accounts.store import ROLES, SECURITY_CLASSES, Accounts, Session, User

__all__ = ["ROLES", "SECURITY_CLASSES", "Accounts", "Session", "User"]
