"""The results folder and the summary: writers and readers side by side (see folder.py)."""

PARTIAL_SUFFIX = ".partial"
"""The end of the name of a results folder still being written; it is renamed without it once
complete. Here, importing nothing, so that the command line can check a folder's name fast."""
