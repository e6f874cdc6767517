"""The pure clinical core: questions, rules, outcome, nudge plan and follow-up policy.

Standard library only. Nothing here reads the clock, logs, or touches a network or database:
callers pass `now` or `today` in. Every rule, question, option and nudge id is the clinical
spec's id, verbatim.
"""
