"""A hello-world Flask app: bench/load.py's baseline, served by gunicorn exactly as the site is."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!", 200, {"Content-Type": "text/plain; charset=utf-8"}
