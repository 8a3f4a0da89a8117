# otlp-relay container image.
#   docker build -t otlp-relay:latest .      (or: docker compose build)
# DeploymentFilesTest checks this file against the relay's own defaults: change both together.

# ---- build stage: the shaded jar ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The pom alone first, so that the dependency download is its own layer, reused until pom.xml changes.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY config ./config
# Produces /build/target/otlp-relay.jar (<finalName> in the pom; the default build directory).
RUN mvn -B -q -DskipTests package

# ---- runtime stage: a JRE and the jar, run as a non-root user ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 relay \
    && useradd --system --uid 10001 --gid relay --no-create-home --shell /usr/sbin/nologin relay
# The working directory is where the relay looks for config/relay.yaml when neither --config nor RELAY_CONFIG is given.
WORKDIR /app
COPY --from=build /build/target/otlp-relay.jar /app/otlp-relay.jar
COPY config/relay.yaml /app/config/relay.yaml
# The spool's home (RELAY_SPOOL_DIR in docker-compose.yml), owned by the relay user so that a new named volume
# mounted here is writable by it.
RUN mkdir -p /var/lib/otlp-relay && chown 10001:10001 /var/lib/otlp-relay
# Numeric, so that runtimes can verify it is not root (Kubernetes runAsNonRoot).
USER 10001:10001
# 4317 OTLP/gRPC, 4318 OTLP/HTTP, 8888 admin (/metrics, /readyz): the relay's defaults.
EXPOSE 4317 4318 8888
# The health check starts no JVM: bash asks /readyz itself (src/main/docker/healthcheck.sh, bash builtins only),
# a few milliseconds of CPU per check where a JVM took 0.7-0.95 CPU-s and 88 MiB of the container's memory.
COPY src/main/docker/healthcheck.sh /app/healthcheck.sh
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["bash", "/app/healthcheck.sh"]
# Exec form: java is PID 1 and receives SIGTERM from `docker stop`, which starts a graceful drain.
# -Xms16m: the heap starts small and grows with the load instead of at 1/64 of the host's memory (384 MiB on a
# 24 GiB host without a container limit): peak RSS at 10k spans/s 253-277 -> 171-179 MiB (docs/performance.md).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-Xms16m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/otlp-relay.jar"]
CMD ["run"]
