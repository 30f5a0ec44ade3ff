# The DirPG Python env server (MiniGrid by default). Build context: the repository root.
#   docker build -f docker/envserver.Dockerfile -t dirpg-envserver .
# Stage 1 builds the dirpg wheel (its build step generates the gRPC stubs from proto/); stage 2 installs only the wheel.
FROM python:3.11-slim AS build
WORKDIR /src
COPY proto/ proto/
COPY python-client/ python-client/
RUN pip wheel --no-cache-dir --no-deps -w /wheels ./python-client

FROM python:3.11-slim
COPY --from=build /wheels/ /wheels/
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY docker/healthcheck.py /opt/dirpg/healthcheck.py
RUN useradd --system --uid 10001 dirpg
USER dirpg
EXPOSE 50061
# The fleet's token key arrives as the compose secret /run/secrets/token_key (see docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/opt/dirpg/healthcheck.py", "127.0.0.1:50061", "dirpg.env.v1.EnvironmentService", \
         "--ca-file", "/run/secrets/tls_ca"]
ENTRYPOINT ["python", "-m", "dirpg.envserver"]
CMD ["--env", "MiniGrid-MultiRoom-N6-v0", "--paper-reward", "--host", "0.0.0.0", "--port", "50061", \
     "--token-key-file", "/run/secrets/token_key", "--tls-cert", "/run/secrets/tls_cert", \
     "--tls-key", "/run/secrets/tls_key", "--bearer-token-file", "/run/secrets/fleet_token"]
