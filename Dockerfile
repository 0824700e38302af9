# The Marginflow application image: built from the Maven build, run on a JRE as a non-root user.
#   docker build -t marginflow .
#   docker run --rm marginflow --help
# docker-compose.yml builds and runs it beside a three-broker Kafka cluster (README, "Running it with Docker Compose").

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -pl streams-app -am package \
 && mkdir /dist \
 && cp -r streams-app/target/marginflow-streams-app-*-dist/marginflow-*/. /dist/

FROM eclipse-temurin:17-jre
# curl answers the healthcheck (GET /health/live).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /opt/marginflow --shell /usr/sbin/nologin marginflow \
 && mkdir -p /var/lib/marginflow \
 && chown marginflow /var/lib/marginflow
COPY --from=build /dist /opt/marginflow
USER marginflow
# Kafka Streams' state (RocksDB) lives here; mount a volume on it to keep it across restarts.
ENV MARGINFLOW_STATE_DIR=/var/lib/marginflow
EXPOSE 8080
ENTRYPOINT ["/opt/marginflow/bin/marginflow"]
CMD ["run"]
