"""Alerts: who hears about what, the outbox, and the e-mail and LINE channels that deliver it."""
