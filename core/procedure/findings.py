"""A rule check's result, apart from the rules so that every module of rules can return it
(core.procedure.rules re-exports it)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One result of a rule check: a blocking one forbids the step; a non-blocking one is an
    exception a person must acknowledge (and that is recorded)."""

    code: str
    blocking: bool
    message: str
