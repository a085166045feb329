"""Records a real Apache Kafka Connect 4.3.1 worker's answers about Java plug-ins on plugin.path.

Run a distributed worker (connect-runtime 4.3.1 on the JVM host's classpath, .cache/jvm-host/host.classpath) with
plugin.path holding connect-file and connect-mirror 4.3.1 (one subdirectory each, as scripts/setup.mjs lays them
out in .cache/maven/plugins), listeners=http://127.0.0.1:18084, then:

    python3 tools/apache-parity/capture-java-plugins.py > test/fixtures/apache-rest/apache-4.3.1-java-plugins.json

test/jvm/java-plugins.test.ts replays the same requests against the local stack with the same plug-ins.
"""
import json
import sys
import urllib.error
import urllib.request

BASE = "http://127.0.0.1:18084"

# The requests the test replays: (method, path, body)
REQUESTS = [
    ("GET", "/connector-plugins", None),
    ("GET", "/connector-plugins?connectorsOnly=false", None),
    ("GET", "/connector-plugins/FileStreamSourceConnector/config", None),
    ("GET", "/connector-plugins/org.apache.kafka.connect.mirror.MirrorSourceConnector/config", None),
    ("PUT", "/connector-plugins/FileStreamSourceConnector/config/validate",
     {"connector.class": "FileStreamSource", "name": "parity-src", "tasks.max": "0", "topic": "t", "batch.size": "x"}),
    ("PUT", "/connector-plugins/MirrorSourceConnector/config/validate",
     {"connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector", "name": "parity-mm2",
      "source.cluster.alias": "a", "topics": "t.*"}),
    ("PUT", "/connector-plugins/MirrorCheckpointConnector/config/validate",
     {"connector.class": "MirrorCheckpointConnector", "name": "parity-cp", "emit.checkpoints.interval.seconds": "-5"}),
]


def call(method, path, body):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    try:
        response = urllib.request.urlopen(request, timeout=60)
        status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    return {"method": method, "path": path, "request": body, "status": status, "body": json.loads(text) if text else None}


json.dump([call(*r) for r in REQUESTS], sys.stdout, indent=1)
sys.stdout.write("\n")
