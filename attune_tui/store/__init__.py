"""Persistence: TinyDB records written atomically, and append-only journals for live logging."""

from attune_tui.store.live import LiveSession
from attune_tui.store.store import SessionData, Store

__all__ = ["LiveSession", "SessionData", "Store"]
