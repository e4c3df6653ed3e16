"""The domain in plain Python: referrals, screening, meetings, decisions, deadlines."""
