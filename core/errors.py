"""The refusal every layer can raise: input that cannot be saved, with one Vietnamese message
per problem. Kept apart from the pipeline so that the database layer (core.storage) can answer
with it too."""
from __future__ import annotations


class FormError(ValueError):
    """Input that cannot be saved; `errors` holds one Vietnamese message per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(" ".join(errors))
