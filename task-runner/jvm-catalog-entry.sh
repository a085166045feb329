#!/bin/sh
# Entry point of the catalog Lambda (task-runner/Dockerfile, target jvm-catalog): the S3 plug-in layer first (when
# the construct's javaPlugins.s3 is set; into /tmp, the function's only writable place), then AWS's Java runtime
# interface client with the handler class given as the image's CMD ("$@").
# JAVA_HOME and SKC_JVM_HOST_CLASSPATH are the image's ENV (/opt/jre, /opt/jvm-host/jvm-host.jar:/opt/jvm-host/lib/*);
# test/jvm/lambda-runtime-client.test.ts runs this very script with the local JDK and jars.
set -eu
if [ -n "${SKC_PLUGIN_S3_URI:-}" ]; then
  node /app/fetch-plugins.js
fi
# Small heap and quick JIT: a catalog answers short requests (docs/java-plugins.md). JAVA_TOOL_OPTIONS adds more.
exec "${JAVA_HOME:-/opt/jre}/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "${SKC_JVM_HOST_CLASSPATH:-/opt/jvm-host/jvm-host.jar:/opt/jvm-host/lib/*}:${SKC_LAMBDA_RIC_CLASSPATH:-/opt/jvm-host/lambda/*}" \
  com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$@"
