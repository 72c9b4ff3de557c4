"""The domain of Tsunagari Pack: models, the stock ledger and its services, report queries.

Nothing here touches Flask's request, session, g or current_user, so every function can be
called from a view, a CLI command or a test alike.
"""
