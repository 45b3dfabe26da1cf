"""Telling and showing results: the story of one history (trace), figures (plots) and the
self-contained HTML handout (report). Plots and the report read results folders only; the
trace runs the reference model for one replicate."""
