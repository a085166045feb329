#!/bin/sh
# Entry point of the catalog Lambda (task-runner/Dockerfile, target jvm-catalog): the S3 plug-in layer first (when
# the construct's javaPlugins.s3 is set; into /tmp, the function's only writable place), then AWS's Java runtime
# interface client with the handler class given as the image's CMD ("$@").
# JAVA_HOME, SKC_JVM_HOST_CLASSPATH and SKC_JVM_HOST_CDS_ARCHIVE are the image's ENV (/opt/jre,
# /opt/jvm-host/jvm-host.jar:/opt/jvm-host/lib/*, its AppCDS archive); test/jvm/lambda-runtime-client.test.ts runs
# this very script with the local JDK, jars and archive.
set -eu
if [ -n "${SKC_PLUGIN_S3_URI:-}" ]; then
  node /app/fetch-plugins.js
fi
# Small heap and quick JIT: a catalog answers short requests (docs/java-plugins.md). JAVA_TOOL_OPTIONS adds more.
# The AppCDS archive was dumped for the host's class path, a prefix of this one; one that does not fit is ignored.
exec "${JAVA_HOME:-/opt/jre}/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  ${SKC_JVM_HOST_CDS_ARCHIVE:+"-XX:SharedArchiveFile=$SKC_JVM_HOST_CDS_ARCHIVE"} \
  -cp "${SKC_JVM_HOST_CLASSPATH:-/opt/jvm-host/jvm-host.jar:/opt/jvm-host/lib/*}:${SKC_LAMBDA_RIC_CLASSPATH:-/opt/jvm-host/lambda/*}" \
  com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$@"
