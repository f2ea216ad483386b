"""The organization tree: materialized paths and the subtree range they give.

A path is the ids from the root down, each followed by "/": "/1/5/23/". Every descendant's
path starts with its ancestor's, and since "/" sorts right before "0", the descendants of
"/1/5/" are exactly the paths in ["/1/5/", "/1/50"): one range scan on the path index.
"""
from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from core.storage.models import Organization


def child_path(parent_path: str | None, org_id: int) -> str:
    """The path of an organization with id `org_id` under a parent path (None for a root)."""
    return f"{parent_path or '/'}{org_id}/"


def path_upper_bound(path: str) -> str:
    """The first string after every path that starts with `path`."""
    return path[:-1] + "0"


def in_subtree(path: str, column=Organization.path) -> ColumnElement[bool]:
    """SQL condition: the organization lies in the subtree rooted at `path` (itself included)."""
    return and_(column >= path, column < path_upper_bound(path))


def path_ids(path: str) -> list[int]:
    """The ids on a path, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


def is_within(path: str, root_path: str) -> bool:
    """True when `path` is `root_path` or lies below it."""
    return path.startswith(root_path)
