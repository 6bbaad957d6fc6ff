"""Pure, deterministic analysis of played notes, shared by the live screen and `attune analyze`.

Nothing here does I/O or reads a clock: callers pass times in seconds from session start.
"""
