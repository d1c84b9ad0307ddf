"""Checklists: versioned templates, runs that copy them, ticks, and the due rules they feed.

Kept import-light on purpose: ``app.attention`` imports the due rules on the home screen's
first-frame path, so nothing here pulls in SQLModel or Textual at package import.
"""
