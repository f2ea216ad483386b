"""Hostile input: what an attacker (or an unlucky user) tries, refused with a message, the database unchanged."""
