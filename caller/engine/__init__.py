"""The pure queue rules: tickets, windows and their transitions, the calling policy, estimates, the tidal rule,
ID-number rules. Plain Python with time passed in: imports nothing of ours but itself — no SQL, HTTP or clock."""
