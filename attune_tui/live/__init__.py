"""The live session's logic, without a screen: key semantics, and the MIDI engine."""
