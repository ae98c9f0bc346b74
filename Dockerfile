FROM python:3.13-slim-bookworm
# WeasyPrint needs Pango; everything else comes from PyPI.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*
# The app runs as a user of its own: a hole in it, or in a library, does not hand anyone root.
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin csp
WORKDIR /app
# Dependencies first, so a change to the code does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
ENV PYTHONUNBUFFERED=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3
# Static files are part of the image (WhiteNoise serves them); media is a volume the app user owns.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput \
 && mkdir -p /app/media \
 && chown csp:csp /app/media
USER csp
EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY and any other option from GUNICORN_CMD_ARGS.
CMD ["gunicorn", "csp.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
