"""attune: live observation logging and MIDI attunement analysis for music therapy."""

__version__ = "0.1.0"
