#!/bin/sh
# Entry point of the catalog Lambda (task-runner/Dockerfile, target jvm-catalog): the S3 plug-in layer first (when
# the construct's javaPlugins.s3 is set; into /tmp, the function's only writable place), then AWS's Java runtime
# interface client with the handler class given as the image's CMD ("$@").
set -eu
if [ -n "${SKC_PLUGIN_S3_URI:-}" ]; then
  node /app/fetch-plugins.js
fi
# Small heap and quick JIT: a catalog answers short requests (docs/java-plugins.md). JAVA_TOOL_OPTIONS adds more.
exec /opt/jre/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp '/opt/jvm-host/jvm-host.jar:/opt/jvm-host/lib/*:/opt/jvm-host/lambda/*' \
  com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$@"
