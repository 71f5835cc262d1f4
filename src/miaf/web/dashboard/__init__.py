"""Dashboard (the home page) and the printable family sheet (issue 7, parts 2 and 3)."""
