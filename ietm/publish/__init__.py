"""The static, offline-capable bundle of a manual (`ietm publish`)."""
