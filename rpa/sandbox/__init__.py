"""Local, realistic copies of the provincial one-stop system and of the ministry portals."""
