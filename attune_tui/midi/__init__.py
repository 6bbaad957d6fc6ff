"""MIDI input for a session: ports, capture hand-off, raw journal, notes, codes, replay, SMF.

Everything here except `ports`, `capture` and `replay` is free of threads and I/O devices, so
the same code serves a live port, a replayed file and a test.
"""
