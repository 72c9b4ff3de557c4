"""The outcome side: anonymous consultation and referral tallies, the drop-in cafe, their figures."""
