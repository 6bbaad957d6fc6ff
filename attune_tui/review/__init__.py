"""The review of a stored session and a client's progress, as data the screens draw.

Nothing here imports Textual: the timeline lanes, the column maths behind zoom and pan, the
plain-language summary and the per-session progress figures are tested on their own.
"""
