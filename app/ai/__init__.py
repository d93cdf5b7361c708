"""The AI: Claude's client and its circuit breaker, each person's daily allowance, routines chosen
by Claude inside Limber's rules, and the background jobs that build them. The chat lives in
``app.coach`` and asks Claude only through ``client``."""
