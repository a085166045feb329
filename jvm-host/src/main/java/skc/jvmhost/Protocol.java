package skc.jvmhost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The wire between the Node supervisor and this JVM: one JSON object a line on stdout (stdin carries the
 * requests). Replies echo the request's {@code id}; events ({@code "event"}) are unsolicited state reports.
 * Writes are serialized: the Worker's threads report state while a request is answered.
 */
final class Protocol {
    static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    Protocol(PrintStream out) {
        this.out = out;
    }

    synchronized void send(ObjectNode message) {
        try {
            out.println(JSON.writeValueAsString(message));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write to the supervisor", e);
        }
    }

    void reply(long id, Object result) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("ok", true);
        message.set("result", JSON.valueToTree(result));
        send(message);
    }

    void fail(long id, int status, String message, Throwable cause) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("ok", false);
        node.put("status", status);
        node.put("message", message);
        if (cause != null) node.put("trace", trace(cause));
        send(node);
    }

    void event(String event, ObjectNode fields) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", event);
        node.setAll(fields);
        send(node);
    }

    /** Apache's status trace: the stack trace as {@code printStackTrace} writes it (AbstractHerder#trace). */
    static String trace(Throwable t) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            t.printStackTrace(stream);
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
