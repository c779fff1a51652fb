# The web and worker image for the full stack (docker compose up).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CTF_VAR_DIR=/app/var

WORKDIR /app
# The Debian packages tagged `image` in system-packages.txt, the list `make run` and `make test`
# read too: WeasyPrint's libraries and the fonts the PDF reports use (never fetched at run
# time), gettext for the translation catalogues, Tesseract and OCRmyPDF.
COPY system-packages.txt ./
COPY scripts/system-packages.sh scripts/
RUN packages="$(scripts/system-packages.sh --list image)" \
    && apt-get update \
    && apt-get install -y --no-install-recommends $packages \
    && rm -rf /var/lib/apt/lists/*

# Every package of pyproject.toml's [tool.setuptools.packages.find] before `pip install .`.
COPY pyproject.toml README.md ./
COPY ctframework ctframework
COPY accounts accounts
COPY principles principles
COPY strategies strategies
COPY assessments assessments
RUN pip install .
COPY . .
# The translation catalogues of locale/ are compiled (the .mo files are never committed), then
# collectstatic runs under the production storage (hashed names); the key is for this step only.
RUN export CTF_ENV=production ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    && python manage.py compilemessages --ignore .venv --ignore var \
    && python manage.py collectstatic --noinput \
    && useradd --system --home /app ctf && mkdir -p /app/var && chown -R ctf /app/var
USER ctf

EXPOSE 8000
CMD ["gunicorn", "ctframework.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
