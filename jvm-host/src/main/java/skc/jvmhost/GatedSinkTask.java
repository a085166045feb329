package skc.jvmhost;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The plug-in's sink task behind a generation check: Apache's WorkerSinkTask commits the group offsets that
 * {@code preCommit} returns, and skips the commit when it returns none ("task opted out"). So after the task's own
 * {@code preCommit} (its flush) this wrapper asks the supervisor, as the gated offset store does for sources; a
 * superseded instance returns no offsets and its commit never reaches the group. Everything else is the plug-in's
 * task, loaded by the plug-in's class loader (the Worker resolves this wrapper from the host's class path, so every
 * call into the plug-in runs with the plug-in's loader as the thread's context loader, as Apache runs its tasks).
 *
 * <p>The Worker instantiates task classes by name with no arguments; one host runs one task, so the task class
 * and the gate are handed over in static fields set just before the task is started.
 */
public final class GatedSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(GatedSinkTask.class);
    private static volatile Class<? extends SinkTask> delegateClass;
    private static volatile BooleanSupplier gate = () -> true;

    private final SinkTask delegate;

    static void prepare(Class<? extends SinkTask> taskClass, BooleanSupplier commitGate) {
        delegateClass = taskClass;
        gate = commitGate;
    }

    private final ClassLoader loader;

    public GatedSinkTask() {
        loader = delegateClass.getClassLoader();
        delegate = inPluginLoader(() -> {
            try {
                return delegateClass.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new ConnectException("Cannot instantiate sink task " + delegateClass.getName(), e);
            }
        });
    }

    private <T> T inPluginLoader(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void inPluginLoader(Runnable call) {
        inPluginLoader(() -> {
            call.run();
            return null;
        });
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> offsets = inPluginLoader(() -> delegate.preCommit(currentOffsets));
        if (offsets == null || offsets.isEmpty() || gate.getAsBoolean()) return offsets;
        log.warn("Offset commit refused: this task instance's generation was superseded (a newer instance owns the task); "
                + "{} partition offset(s) not committed", offsets.size());
        return Map.of();
    }

    @Override
    public String version() {
        return inPluginLoader(delegate::version);
    }

    @Override
    public void initialize(SinkTaskContext context) {
        super.initialize(context);
        inPluginLoader(() -> delegate.initialize(context));
    }

    @Override
    public void start(Map<String, String> props) {
        inPluginLoader(() -> delegate.start(props));
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        inPluginLoader(() -> delegate.put(records));
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        inPluginLoader(() -> delegate.flush(currentOffsets));
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        inPluginLoader(() -> delegate.open(partitions));
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        inPluginLoader(() -> delegate.close(partitions));
    }

    @Override
    public void stop() {
        inPluginLoader(delegate::stop);
    }
}
