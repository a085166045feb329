package skc.jvmhost;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * The catalog's view of the offsets topic: started on first use. Listing plug-ins and validating configs never
 * touch offsets, so the warm catalog does not read the whole offsets topic at start; a source connector that reads
 * offsets while its task configs are computed gets Apache's KafkaOffsetBackingStore all the same.
 */
final class LazyOffsetBackingStore implements OffsetBackingStore {
    private final OffsetBackingStore delegate;
    private boolean started;
    private boolean stopped;

    LazyOffsetBackingStore(OffsetBackingStore delegate) {
        this.delegate = delegate;
    }

    private synchronized OffsetBackingStore started() {
        if (stopped) throw new IllegalStateException("The offset store is stopped");
        if (!started) {
            delegate.start();
            started = true;
        }
        return delegate;
    }

    @Override
    public void start() {
        // deferred to the first read or write
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        if (started) delegate.stop();
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        return started().get(keys);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        return started().set(values, callback);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return started().connectorPartitions(connectorName);
    }

    @Override
    public void configure(WorkerConfig config) {
        delegate.configure(config);
    }
}
