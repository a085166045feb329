package skc.jvmhost;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.connect.util.ConnectorTaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Reports the task's own Apache metrics to the Node supervisor, periodically, as one {@code metrics} event: the
 * values of the task's groups in the Worker's metrics registry ({@code source-task-metrics},
 * {@code sink-task-metrics}, {@code connector-task-metrics}, {@code task-error-metrics}, the names JMX shows on an
 * Apache worker), plus what those groups lack and the supervisor's progress view needs: a sink's assigned
 * partitions and last poll (its consumer's own metrics, read from JMX, where Apache's consumer registers them) and a
 * source's last offset commit (the gated offset store). The supervisor turns these into the task's progress.
 */
final class TaskMetricsReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskMetricsReporter.class);
    private static final Set<String> GROUPS = Set.of(
            "source-task-metrics", "sink-task-metrics", "connector-task-metrics", "task-error-metrics");

    private final Protocol protocol;
    private final Metrics metrics;
    private final ConnectorTaskId taskId;
    private final boolean sink;
    private final String consumerClientId;
    private final LongSupplier sourceCommitAt;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "skc-task-metrics");
        t.setDaemon(true);
        return t;
    });

    TaskMetricsReporter(Protocol protocol, Metrics metrics, ConnectorTaskId taskId, boolean sink,
                        String consumerClientId, LongSupplier sourceCommitAt) {
        this.protocol = protocol;
        this.metrics = metrics;
        this.taskId = taskId;
        this.sink = sink;
        this.consumerClientId = consumerClientId;
        this.sourceCommitAt = sourceCommitAt;
    }

    void start(long intervalMs) {
        timer.scheduleWithFixedDelay(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            ObjectNode event = Protocol.JSON.createObjectNode();
            event.put("kind", sink ? "sink" : "source");
            event.put("at", System.currentTimeMillis());
            ObjectNode values = event.putObject("metrics");
            String connector = taskId.connector();
            String task = String.valueOf(taskId.task());
            for (Map.Entry<MetricName, KafkaMetric> e : metrics.metrics().entrySet()) {
                MetricName name = e.getKey();
                if (!GROUPS.contains(name.group())) continue;
                if (!connector.equals(name.tags().get("connector")) || !task.equals(name.tags().get("task"))) continue;
                if (e.getValue().metricValue() instanceof Number n) {
                    double v = n.doubleValue();
                    // No sample yet: Apache's JMX shows NaN / -Infinity; JSON has neither, the Node runtime shows 0.
                    values.put(name.name(), Double.isFinite(v) ? v : 0);
                }
            }
            if (sink) consumerMetrics(event);
            else {
                long at = sourceCommitAt.getAsLong();
                if (at >= 0) event.put("lastCommitAt", at);
            }
            protocol.event("metrics", event);
        } catch (Exception e) {
            log.warn("Could not report the task's metrics: {}", e.toString());
        }
    }

    /** The sink consumer's assigned partitions and last poll, from the MBeans Apache's consumer registers. */
    private void consumerMetrics(ObjectNode event) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ArrayNode assigned = event.putArray("assigned");
        for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)) {
            String topic = name.getKeyProperty("topic");
            String partition = name.getKeyProperty("partition");
            if (topic == null || partition == null || !isConsumer(name)) continue;
            ObjectNode p = assigned.addObject();
            p.put("topic", unquote(topic));
            p.put("partition", Integer.parseInt(unquote(partition)));
        }
        for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-metrics,*"), null)) {
            if (!isConsumer(name)) continue;
            Object ago = server.getAttribute(name, "last-poll-seconds-ago");
            if (ago instanceof Number n && n.doubleValue() >= 0) {
                event.put("lastPollAt", System.currentTimeMillis() - (long) (n.doubleValue() * 1000));
            }
        }
    }

    private boolean isConsumer(ObjectName name) {
        String clientId = name.getKeyProperty("client-id");
        return clientId != null && unquote(clientId).equals(consumerClientId);
    }

    private static String unquote(String value) {
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
