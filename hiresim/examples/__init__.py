"""Worked examples that ship with hiresim, importable so that worker processes find them."""
