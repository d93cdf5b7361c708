"""Finished workouts: the logs the player and the offline outbox send, and the history and streak they make."""
