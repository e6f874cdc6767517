# A slim, non-root image that migrates the database, then runs the bot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/twitchbot.sqlite3

WORKDIR /app
RUN groupadd --system --gid 10001 bot && useradd --system --uid 10001 --gid bot --home-dir /app bot \
    && mkdir -p /data && chown bot:bot /data

COPY pyproject.toml README.md ./
COPY triage ./triage
COPY storage ./storage
COPY scheduler ./scheduler
COPY bot ./bot
RUN pip install --no-cache-dir .

USER 10001:10001
VOLUME ["/data"]
CMD ["sh", "-c", "python -m bot migrate && exec python -m bot run"]
