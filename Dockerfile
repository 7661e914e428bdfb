# The operator image. Build the jar first, then the image (see "Installing on a cluster" in the README):
#   ./mvnw -q package -Dkube.binaries.skip=true -DskipTests
#   docker build -t <registry>/appconnector-operator:0.1.0 .
FROM eclipse-temurin:17-jre

# The shaded jar holds the operator and all its dependencies.
COPY target/appconnector-operator-*.jar /opt/appconnector/appconnector-operator.jar

# The same non-root user the Helm chart runs the pod as; nothing in the image is writable by it,
# and the chart mounts the only writable path, /tmp, as an emptyDir.
USER 65532:65532

# 8080: the OAuth 2.0 token endpoint; 8081: /metrics, /healthz and /readyz.
EXPOSE 8080 8081

ENTRYPOINT ["java", "-jar", "/opt/appconnector/appconnector-operator.jar"]
