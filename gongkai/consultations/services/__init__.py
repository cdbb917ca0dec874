"""Writes for public participation: verb-first services, each in its own transaction with an
audit row; every status change goes through ``core.workflow``. Split like the models."""
