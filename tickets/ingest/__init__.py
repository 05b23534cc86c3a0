"""Inbound e-mail: turn raw RFC 5322 bytes into plain, typed values (no database access)."""
