package skc.jvmhost;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalog as an AWS Lambda function (a container image of the JVM image, docs/java-plugins.md): the same
 * requests the local catalog JVM answers on its pipe ({@code init}, {@code plugins}, {@code pluginConfig},
 * {@code validate}, {@code taskConfigs}), one per invocation, answered by the same {@link Host}, with the same
 * reply objects ({@code {ok, result}} or {@code {ok:false, status, message, trace}}).
 *
 * <p>Every request carries the worker properties ({@code worker}): a fresh execution environment initializes its
 * host from them (Apache's plug-in scan, then it stays warm for the environment's life), and a changed deployment
 * (other properties) gets a new host. {@code SKC_JAVA_PLUGIN_PATH}, when set, is the function's own
 * {@code plugin.path} (the image's directories): the caller need not know them.
 *
 * <p>Differences from the piped catalog, because a Lambda environment is frozen between invocations: a
 * connector started for {@code taskConfigs} is stopped before the reply (nothing would hear its
 * {@code requestTaskReconfiguration()} while frozen), and there are no events.
 *
 * <p>{@code main} answers the same requests one JSON line at a time on stdin/stdout: a local invocation of this
 * handler without a Lambda engine (tests, and a catalog process for deployments without Lambda).
 */
public final class LambdaCatalog implements RequestStreamHandler {
    private static final String PLUGIN_PATH_ENV = "SKC_JAVA_PLUGIN_PATH";
    private static final long INIT_ID = 0;
    private static final long REQUEST_ID = 1;
    private static final long RELEASE_ID = 2;

    /** The warm host of this execution environment; invocations of one environment never overlap. */
    private static Warm warm;

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(answer(input.readAllBytes()));
        output.flush();
    }

    /** One request (JSON) → one reply (JSON); never throws: a failure is a reply with Apache's status. */
    static synchronized byte[] answer(byte[] requestBytes) {
        ObjectNode reply;
        try {
            JsonNode request = Protocol.JSON.readTree(requestBytes);
            reply = answer(request);
        } catch (Exception e) {
            reply = failure(400, "Malformed request: " + e.getMessage());
        }
        try {
            return Protocol.JSON.writeValueAsBytes(reply);
        } catch (IOException e) {
            return ("{\"ok\":false,\"status\":500,\"message\":\"Cannot serialize the reply\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static ObjectNode answer(JsonNode request) {
        if (!request.isObject()) return failure(400, "Malformed request: not a JSON object");
        String op = request.path("op").asText("");
        ObjectNode worker = workerProperties(request.path("worker"));
        if (warm == null || !warm.worker.equals(worker)) {
            if (warm != null) warm.close();
            warm = null;
            Warm fresh = new Warm(worker);
            ObjectNode init = fresh.init(request.path("workerId").asText("lambda-catalog"));
            if (!init.path("ok").asBoolean(false)) {
                fresh.close();
                return init; // not kept: the next invocation tries again
            }
            warm = fresh;
        }
        switch (op) {
            case "init":
                return warm.initReply;
            case "plugins":
            case "pluginConfig":
            case "validate":
                return warm.call(request, REQUEST_ID);
            case "taskConfigs": {
                ObjectNode reply = warm.call(request, REQUEST_ID);
                ObjectNode release = Protocol.JSON.createObjectNode();
                release.put("op", "stopConnector");
                release.put("connector", request.path("connector").asText());
                warm.call(release, RELEASE_ID);
                return reply;
            }
            default:
                return failure(400, "Unknown operation '" + op + "'");
        }
    }

    /** The request's worker properties, with this function's plugin.path when it has one. */
    private static ObjectNode workerProperties(JsonNode worker) {
        ObjectNode props = worker.isObject() ? ((ObjectNode) worker).deepCopy() : Protocol.JSON.createObjectNode();
        String pluginPath = System.getenv(PLUGIN_PATH_ENV);
        if (pluginPath != null && !pluginPath.isBlank()) props.put("plugin.path", pluginPath);
        return props;
    }

    private static ObjectNode failure(int status, String message) {
        ObjectNode node = Protocol.JSON.createObjectNode();
        node.put("ok", false);
        node.put("status", status);
        node.put("message", message);
        return node;
    }

    /** A catalog {@link Host} whose protocol writes into a buffer this class reads the replies from. */
    private static final class Warm {
        final ObjectNode worker;
        final Replies replies = new Replies();
        final Host host;
        ObjectNode initReply;

        Warm(ObjectNode worker) {
            this.worker = worker;
            this.host = new Host(new Protocol(new PrintStream(replies, true, StandardCharsets.UTF_8)), true);
        }

        ObjectNode init(String workerId) {
            ObjectNode init = Protocol.JSON.createObjectNode();
            init.put("op", "init");
            init.set("worker", worker);
            init.put("workerId", workerId);
            initReply = call(init, INIT_ID);
            return initReply;
        }

        /** {@link Host#handle} answers synchronously, exactly once: its reply is in the buffer when it returns. */
        ObjectNode call(JsonNode request, long id) {
            ObjectNode withId = ((ObjectNode) request).deepCopy();
            withId.put("id", id);
            if (!"init".equals(withId.path("op").asText())) withId.remove(List.of("worker", "workerId"));
            host.handle(withId);
            ObjectNode reply = replies.take(id);
            if (reply == null) return failure(500, "The catalog host gave no reply to '" + withId.path("op").asText() + "'");
            reply.remove("id");
            return reply;
        }

        void close() {
            try {
                host.stop();
            } catch (RuntimeException e) {
                System.err.println("Stopping the previous catalog host failed: " + e);
            }
        }
    }

    /** The host's protocol output: whole lines, kept until taken; events (no reply of ours) are dropped. */
    private static final class Replies extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<ObjectNode> messages = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            try {
                JsonNode node = Protocol.JSON.readTree(text);
                if (node.isObject() && !node.has("event")) messages.add((ObjectNode) node);
            } catch (IOException e) {
                System.err.println("Not a protocol line: " + text);
            }
        }

        synchronized ObjectNode take(long id) {
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i).path("id").asLong(-1) == id) return messages.remove(i);
            }
            return null;
        }
    }

    /** Local invocation: each stdin line is one request, each stdout line its reply. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        LambdaCatalog handler = new LambdaCatalog();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String requestLine;
        while ((requestLine = in.readLine()) != null) {
            if (requestLine.isBlank()) continue;
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            handler.handleRequest(new java.io.ByteArrayInputStream(requestLine.getBytes(StandardCharsets.UTF_8)), reply, null);
            out.println(reply.toString(StandardCharsets.UTF_8));
        }
        if (warm != null) warm.close();
        System.exit(0);
    }
}
