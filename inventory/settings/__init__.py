"""The organisation's settings and its fiscal-year targets."""
