# syntax=docker/dockerfile:1
# zhibu — build:  docker build -t zhibu .
#         run:    docker run -d --name zhibu -e ZHIBU_TELEGRAM_TOKEN=... -v zhibu-data:/data \
#                   -v "$PWD/config.yaml:/config/config.yaml:ro" -e ZHIBU_CONFIG=/config/config.yaml zhibu
# `zhibu run` needs a config describing your branch (copy config.example.yaml): mount it and point
# ZHIBU_CONFIG at it; without one it stops with "no branches configured". Only `zhibu chat` (the offline
# demo) runs on the embedded defaults. ZHIBU_DATA_DIR=/data below overrides the config's data_dir.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/zhibu
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY scheduler ./scheduler
COPY storage ./storage
RUN /opt/zhibu/bin/pip install --no-compile . \
    && /opt/zhibu/bin/python -m compileall -q /opt/zhibu/lib

FROM python:3.11-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="zhibu" \
      org.opencontainers.image.description="支部 — study, quizzes, meetings and ledgers for a Party branch on Telegram"
ENV PATH=/opt/zhibu/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=1 \
    ZHIBU_DATA_DIR=/data \
    ZHIBU_CONFIG=""
RUN groupadd --system --gid 10001 zhibu \
    && useradd --system --uid 10001 --gid zhibu --home-dir /data --no-create-home zhibu \
    && mkdir -p /data \
    && chown zhibu:zhibu /data
COPY --from=build /opt/zhibu /opt/zhibu
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# The webhook mode listens here; polling needs no port.
EXPOSE 8443
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["zhibu", "health"]
# Migrations run first (zhibu db upgrade), then the bot; exec form so SIGTERM reaches it.
ENTRYPOINT ["zhibu"]
CMD ["run"]
