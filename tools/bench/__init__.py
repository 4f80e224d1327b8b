"""`make bench`: the service against a FastAPI peer and a bare-Starlette ceiling, side by side."""
