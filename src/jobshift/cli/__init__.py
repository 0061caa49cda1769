"""The ``jobshift`` command line (Typer + rich): a thin layer over ``jobshift.services``."""
