package skc.jvmhost;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The task host's view of the offsets topic: every write (a source task's offset flush, its final commit on stop
 * included) first asks the Node supervisor whether this task instance's generation is still the stored one. A
 * superseded instance (a zombie: its successor runs) is refused, so it cannot move offsets under its successor;
 * Apache's task treats the refusal as a failed flush (logged, offsets kept for the next attempt). Reads are never
 * gated. Writes also record the time of the last successful commit (the task's progress report).
 */
final class GatedOffsetBackingStore implements OffsetBackingStore {
    private static final Logger log = LoggerFactory.getLogger(GatedOffsetBackingStore.class);

    private final OffsetBackingStore delegate;
    /** asks the supervisor; false: superseded (or no answer in time) */
    private volatile BooleanSupplier gate = () -> true;
    private volatile long lastCommitAt = -1;
    private volatile long refused;

    GatedOffsetBackingStore(OffsetBackingStore delegate) {
        this.delegate = delegate;
    }

    void gate(BooleanSupplier gate) {
        this.gate = gate;
    }

    /** epoch ms of the last write the offsets topic acknowledged, -1 before the first */
    long lastCommitAt() {
        return lastCommitAt;
    }

    long refused() {
        return refused;
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        if (!gate.getAsBoolean()) {
            refused++;
            ConnectException error = new ConnectException(
                    "Offset commit refused: this task instance's generation was superseded (a newer instance owns the task)");
            log.warn("{} ({} offset(s) not written)", error.getMessage(), values.size());
            if (callback != null) callback.onCompletion(error, null);
            return CompletableFuture.failedFuture(error);
        }
        return delegate.set(values, (error, result) -> {
            if (error == null) lastCommitAt = System.currentTimeMillis();
            if (callback != null) callback.onCompletion(error, result);
        });
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        return delegate.get(keys);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return delegate.connectorPartitions(connectorName);
    }

    @Override
    public void configure(WorkerConfig config) {
        delegate.configure(config);
    }
}
