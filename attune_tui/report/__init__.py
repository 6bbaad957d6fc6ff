"""Exports of stored sessions: JSON, CSV/TSV, and the clinical and research formats."""
