"""Benchmarks of kim-tui against floors measured in the same run (issue 6).

Run ``make bench`` (``.venv/bin/python -m bench``); see ``bench/__main__.py`` for the options
and docs/performance.md for what each figure means and what limits it.
"""
