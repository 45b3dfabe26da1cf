"""The shipped scenario library (package data: `negsim run istanbul-2025` finds these from any folder)."""
