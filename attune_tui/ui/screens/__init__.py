"""Full screens: home, live session, review."""
