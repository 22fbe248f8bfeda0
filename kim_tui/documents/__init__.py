"""Printable documents (PDF) generated from the case file, e.g. the goal agreement."""
