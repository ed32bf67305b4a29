"""motcua-rpa: bots that carry dossiers from a provincial one-stop system to ministry portals."""

__version__ = "0.1.0"
