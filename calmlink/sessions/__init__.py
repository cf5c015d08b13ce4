"""Routines, the live session loop, the SQLite store and file formats."""
