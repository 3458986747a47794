"""The instructor's message texts, merged into the one catalogue where they are installed."""
