"""The ASGI application for uvicorn: settings read once from the environment."""

from gigafibre.app import create_app

app = create_app()
