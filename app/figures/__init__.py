"""The animated figure of every exercise, drawn by Limber from a 2D body model.

Pure: no Flask, no database. ``body`` is the model (segment lengths, joint ranges, forward
kinematics, three views), ``pose`` reads and checks an exercise's keyframes, ``props`` are the
wall, chair, step, band and the rest it uses, ``tags`` derives the
contraindication tags a pose shows, ``render`` draws the SVG.
"""
