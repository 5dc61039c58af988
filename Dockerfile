# syntax=docker/dockerfile:1
# kimp node image: docker build -t kimp:latest .   (deploy/k8s runs three of these as one cluster; docs/CLUSTER.md)

# ---- build: the shaded jar (app/target/kimp.jar) with Maven on a JDK 17
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the local Maven repository is a build cache, not a layer: rebuilds download nothing that is already there
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl app -am package

# ---- run: a JRE 17, an unprivileged user, only the jar
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 kimp \
 && useradd --system --uid 10001 --gid kimp --home-dir /opt/kimp --shell /usr/sbin/nologin kimp \
 && mkdir -p /opt/kimp/data \
 && chown -R kimp:kimp /opt/kimp
WORKDIR /opt/kimp
COPY --from=build --chown=kimp:kimp /src/app/target/kimp.jar /opt/kimp/kimp.jar
USER 10001:10001
# kimp's local files (the paper ledger); structured logs for a log collector
ENV KIMP_DATA_DIR=/opt/kimp/data \
    KIMP_LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# 2552 Pekko remoting, 7626 Pekko Management (/ready, /alive, bootstrap), 8080 admin API
EXPOSE 2552 7626 8080
# java is PID 1: SIGTERM reaches the JVM, whose shutdown hook leaves the cluster gracefully (shards hand off)
ENTRYPOINT ["java", "-jar", "/opt/kimp/kimp.jar"]
CMD ["run"]
