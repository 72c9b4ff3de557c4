"""Requests for packs: school refills and individuals, personal data kept apart, retention."""
