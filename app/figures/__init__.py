"""The animated figure of every exercise, drawn by Limber from a 2D body model.

Pure: no Flask, no database. ``body`` is the model (segment lengths, joint ranges, forward
kinematics), ``pose`` reads and checks an exercise's keyframes, ``tags`` derives the
contraindication tags a pose shows, ``render`` draws the SVG.
"""
