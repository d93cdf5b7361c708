"""Mobility self-tests: four standard tests a person does alone, their results over time, and the focus
areas a limited or one-sided result gives the routine engine."""
