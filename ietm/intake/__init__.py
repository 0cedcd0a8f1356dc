"""Intake: objects that writers upload pass a gate of checks before they enter the CSDB, whole or not at all."""
