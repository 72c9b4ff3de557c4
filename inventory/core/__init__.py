"""What every part of the domain shares: the database, the clock, input checks, errors, one-time keys."""
