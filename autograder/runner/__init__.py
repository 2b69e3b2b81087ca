"""Trusted side of grading: worker processes, the reference, pytest and results."""
