from rpa.cli import app

app()
