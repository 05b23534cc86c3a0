"""Deterministic demo data: `manage.py seed_demo`. Lives in tickets because tickets may
call every other app (DESIGN.md); the text corpus is plain data in helpdesk/demo/."""
