"""User accounts, roles, login sessions and throttling, API tokens."""
