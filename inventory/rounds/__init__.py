"""Restock rounds: visits to placement points, the round plan, support-page scans."""
