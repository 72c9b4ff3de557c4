"""The print kit: label batches and the texts printed on labels, cards and placards."""
