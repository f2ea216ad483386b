"""The tree of organizations: materialized paths, restructuring, and the yearly plans."""
