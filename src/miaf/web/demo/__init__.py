"""The demo programme (being written): ``load_demo``."""
