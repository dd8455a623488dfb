"""The living demo (``evoladder run --demo``): a simulated ladder a newcomer can watch in a browser.

A front-end like the simulator it reuses: it only calls services. ``setup`` picks the demo's own
database (never the configured ladder's) and marks it; ``seed`` plays a simulated season through the
real services on a manual clock stepped through the past; ``driver`` keeps simulated players queueing,
confirming and reporting in real time, so the leaderboard, the queue and the match list move.
"""
