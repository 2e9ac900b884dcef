"""The production application, for gunicorn (deploy/gunicorn.conf.py names it).

    gunicorn -c deploy/gunicorn.conf.py netapp.wsgi:app

Built with ProductionConfig, so it refuses to start without SECRET_KEY and DATABASE_URL. Also
the app for release steps: ``FLASK_APP=netapp.wsgi flask db upgrade``.
"""
from config import ProductionConfig
from netapp import create_app

app = create_app(ProductionConfig)
