"""Reminders that reach people by e-mail (`python -m core.cli remind`): the secretary's digest
of what is due, the leader's weekly brief, built from the same figures and clocks as the
screens (core.figures), in Vietnamese, and sent over SMTP with a record of every message."""
