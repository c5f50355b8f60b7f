# Build a wheel in one stage, install it into a slim runtime in the next; run as a user
# without privileges. The embedded SQLite file lives in /data unless DAKS_DATABASE_URL
# points at PostgreSQL.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY daks ./daks
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --create-home --uid 10001 daks && mkdir /data && chown daks /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER daks
WORKDIR /home/daks
ENV DAKS_DATA_DIR=/data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["daks", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
