"""Entry points: the `aidwatch` command (``main``), the WSGI module gunicorn loads (``wsgi``) and the
background warm-up thread each app server starts (``warmup``)."""
