"""The web terminal: the page built from tools/frontend/web, served at `/` beside the API (page.py)."""
