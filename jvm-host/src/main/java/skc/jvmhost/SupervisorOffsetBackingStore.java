package skc.jvmhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Source offsets kept by the Node supervisor (standalone mode: its `offset.storage.file.filename`, one writer for
 * every task of the worker, JavaScript and Java alike). Reads and writes go to the supervisor as events
 * ({@code offsetsRead} / {@code offsetsWrite} with a {@code rid}); it answers with the {@code offsetsAnswer}
 * request. Keys and values are the offsets-topic strings of Apache's format (the internal JsonConverter's bytes,
 * UTF-8), so the supervisor's store sees exactly what Apache's offsets topic would hold.
 */
final class SupervisorOffsetBackingStore implements OffsetBackingStore {
    private final Protocol protocol;
    private final AtomicLong nextRid = new AtomicLong(1);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    SupervisorOffsetBackingStore(Protocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public void configure(WorkerConfig config) {
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        pending.values().forEach(f -> f.completeExceptionally(new ConnectException("The offset store is stopped")));
        pending.clear();
    }

    private CompletableFuture<JsonNode> ask(String event, ObjectNode fields) {
        long rid = nextRid.getAndIncrement();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(rid, answer);
        fields.put("rid", rid);
        protocol.event(event, fields);
        return answer;
    }

    /** The supervisor's {@code offsetsAnswer}: {@code {rid, values}} or {@code {rid, error}}. */
    Object answer(JsonNode request) {
        CompletableFuture<JsonNode> answer = pending.remove(request.path("rid").asLong());
        if (answer != null) {
            if (request.hasNonNull("error")) {
                answer.completeExceptionally(new ConnectException(request.path("error").asText()));
            } else {
                answer.complete(request.path("values"));
            }
        }
        return Map.of("answered", answer != null);
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        List<ByteBuffer> ordered = new ArrayList<>(keys);
        ObjectNode fields = Protocol.JSON.createObjectNode();
        ArrayNode array = fields.putArray("keys");
        for (ByteBuffer key : ordered) array.add(text(key));
        return ask("offsetsRead", fields).thenApply(values -> {
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                JsonNode value = values.path(i);
                out.put(ordered.get(i), value.isTextual() ? ByteBuffer.wrap(value.asText().getBytes(StandardCharsets.UTF_8)) : null);
            }
            return out;
        });
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        ObjectNode fields = Protocol.JSON.createObjectNode();
        ArrayNode entries = fields.putArray("entries");
        for (Map.Entry<ByteBuffer, ByteBuffer> e : values.entrySet()) {
            ArrayNode entry = entries.addArray();
            entry.add(text(e.getKey()));
            if (e.getValue() == null) entry.addNull();
            else entry.add(text(e.getValue()));
        }
        return ask("offsetsWrite", fields).handle((ignored, error) -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : error;
            if (callback != null) callback.onCompletion(cause, null);
            if (cause != null) throw new java.util.concurrent.CompletionException(cause);
            return null;
        });
    }

    /** The REST offsets of a connector are read by the Node side from its own store: nothing to list here. */
    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private static String text(ByteBuffer buffer) {
        if (buffer == null) return null;
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
