"""The managers' surface for tickets, split by what it is for."""

from tickets.admin import conversations, setup

__all__ = ["conversations", "setup"]
