"""Reminders: when a person wants them (their own days, time and time zone), how (Web Push, e-mail, in
Limber), and the periodic task that sends what is due at most once per reminder and day."""
