"""The analysts' web application: server-rendered pages (pages.py) in English and Russian."""
