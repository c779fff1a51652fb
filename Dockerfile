# The web and worker image for the full stack (docker compose up).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CTF_VAR_DIR=/app/var

# WeasyPrint's libraries and the fonts the PDF reports use (never fetched at run time).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-noto-core fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ctframework ctframework
COPY principles principles
COPY strategies strategies
COPY assessments assessments
RUN pip install .
COPY . .
# collectstatic runs under the production storage (hashed names); the key is for this step only.
RUN CTF_ENV=production ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
    && useradd --system --home /app ctf && mkdir -p /app/var && chown -R ctf /app/var
USER ctf

EXPOSE 8000
CMD ["gunicorn", "ctframework.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
