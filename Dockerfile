FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BADGEHUB_VAR_DIR=/var/lib/badgehub
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The media folder exists in the image, owned by the app: a new named volume mounted
# there starts with its ownership (otherwise root's, and uploads would fail).
RUN useradd --system --home /app badgehub \
    && mkdir -p /var/lib/badgehub/media /var/lib/badgehub/staticfiles && chown -R badgehub /var/lib/badgehub
RUN python manage.py compilemessages -v0
USER badgehub
EXPOSE 8000
CMD ["gunicorn", "badgehub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
