"""The compliance scanners' view of the construct (`make compliance`); see compliance/run.py."""
