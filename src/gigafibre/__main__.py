from gigafibre.cli import app

app()
