"""What every part of the domain shares: the database and unit of work, the clock, input checks, errors, one-time keys."""
