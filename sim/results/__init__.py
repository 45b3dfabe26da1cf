"""The results folder and the summary: writers and readers side by side (see folder.py)."""
