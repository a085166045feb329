package skc.jvmhost;

import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.CloseableConnectorContext;

import java.util.function.Consumer;

/**
 * The connector's context (Apache's HerderConnectorContext, minus the herder): a reconfiguration request or a
 * raised error is handed to the host, which reports it to the Node supervisor; the Node reconciler owns the task
 * configs.
 */
final class ConnectorContextBridge implements CloseableConnectorContext {
    private final String connector;
    private final PluginMetricsImpl pluginMetrics;
    private final Runnable onReconfigure;
    private final Consumer<Exception> onError;
    private volatile boolean closed;

    ConnectorContextBridge(String connector, PluginMetricsImpl pluginMetrics, Runnable onReconfigure,
                           Consumer<Exception> onError) {
        this.connector = connector;
        this.pluginMetrics = pluginMetrics;
        this.onReconfigure = onReconfigure;
        this.onError = onError;
    }

    @Override
    public void requestTaskReconfiguration() {
        if (closed) {
            // Apache's message (HerderConnectorContext)
            throw new ConnectException("The request for task reconfiguration has been rejected "
                    + "because this instance of the connector '" + connector + "' has already "
                    + "been shut down.");
        }
        onReconfigure.run();
    }

    @Override
    public void raiseError(Exception e) {
        if (closed) {
            throw new ConnectException("The request to fail the connector has been rejected "
                    + "because this instance of the connector '" + connector + "' has already "
                    + "been shut down.");
        }
        onError.accept(e);
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return pluginMetrics;
    }

    @Override
    public void close() {
        Utils.closeQuietly(pluginMetrics, "Plugin metrics for " + connector);
        closed = true;
    }
}
