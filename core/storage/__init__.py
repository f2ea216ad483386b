"""The database: every table, the engine and sessions, migrations and portable SQL helpers."""
