# The DirPG Java trainer server. Build context: the repository root.
#   docker build -f docker/trainer.Dockerfile -t dirpg-trainer .
# Stage 1: the Maven build (target/dirpg.jar + target/lib/). Stage 2: a JRE 17 runtime with the jar, its libraries
# and a small Python venv holding only the gRPC health check (docker/healthcheck.py).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY .mvn/ .mvn/
RUN mvn -B -q dependency:go-offline -DskipTests || true
COPY proto/ proto/
COPY src/main/ src/main/
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/health \
 && /opt/health/bin/pip install --no-cache-dir grpcio==1.85.1 grpcio-health-checking==1.85.1 protobuf==7.35.1
COPY docker/healthcheck.py /opt/health/healthcheck.py
WORKDIR /opt/dirpg
COPY --from=build /src/target/dirpg.jar ./dirpg.jar
COPY --from=build /src/target/lib/ ./lib/
# The server writes its checkpoints under its working directory, so the runtime user owns it.
# /data: the run store and checkpoints (compose mounts the volume trainer-data there; a fresh named volume takes
# this directory's owner).
RUN useradd --system --uid 10001 dirpg && chown dirpg /opt/dirpg && mkdir /data && chown dirpg /data
USER dirpg
ENV OMP_NUM_THREADS=1
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/opt/health/bin/python", "/opt/health/healthcheck.py", "127.0.0.1:50051", "--ca-file", "/run/secrets/tls_ca"]
ENTRYPOINT ["java", "-jar", "/opt/dirpg/dirpg.jar"]
# Beyond loopback the server requires TLS and tokens: mount them as these secrets (see docker-compose.yml).
CMD ["serve", "--host", "0.0.0.0", "--port", "50051", "--data-dir", "/data", "--tokens-file", "/run/secrets/trainer_tokens", \
     "--tls-cert", "/run/secrets/tls_cert", "--tls-key", "/run/secrets/tls_key"]
