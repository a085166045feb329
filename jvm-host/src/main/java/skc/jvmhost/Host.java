package skc.jvmhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.errors.AlreadyExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.ConnectorStatus;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.runtime.TaskConfig;
import org.apache.kafka.connect.runtime.TaskStatus;
import org.apache.kafka.connect.runtime.Worker;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.rest.RestRequestTimeout;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.runtime.rest.resources.ConnectorPluginsResource;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.ConnectUtils;
import org.apache.kafka.connect.util.ConnectorTaskId;
import org.apache.kafka.connect.util.FutureCallback;
import org.apache.kafka.connect.util.SharedTopicAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One Apache worker without a worker group: Apache's {@link Plugins} over plugin.path, its {@link Worker} with
 * the offsets topic ({@link KafkaOffsetBackingStore}, the format the Node runtime shares), and a
 * {@link StandaloneHerder} that is never started: it gives the Worker the herder it expects and answers
 * validation and plug-in config with Apache's own code. Configs, status and task assignment stay with the Node
 * control plane; this class only runs what it is told and reports what happens.
 *
 * <p>Two roles, chosen by the Node side: the catalog (one warm JVM per stack: list, config, validate, task
 * configs) and the task host (exactly one connector task per process).
 */
final class Host {
    private static final Logger log = LoggerFactory.getLogger(Host.class);
    /** Keys Apache's DistributedConfig requires; this architecture does not use them (no worker group). */
    private static final Map<String, String> DISTRIBUTED_DEFAULTS = Map.of(
            "group.id", "connect-cluster",
            "offset.storage.topic", "connect-offsets",
            "config.storage.topic", "connect-configs",
            "status.storage.topic", "connect-status",
            "key.converter", "org.apache.kafka.connect.json.JsonConverter",
            "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    private static final long REQUEST_TIMEOUT_MS = 90_000;
    /** how long an offset commit waits for the supervisor's generation check */
    private static final long COMMIT_QUESTION_TIMEOUT_MS = 30_000;

    private final Protocol protocol;
    private final boolean catalog;
    private Plugins plugins;
    private Worker worker;
    private StandaloneHerder herder;
    private ConnectorPluginsResource pluginsResource;
    private ConnectorTaskId taskId;
    /** the task host's offsets topic view: each write asks the supervisor first (null in the catalog) */
    private GatedOffsetBackingStore gatedOffsets;
    private TaskMetricsReporter metricsReporter;
    /** offset-commit questions to the supervisor awaiting its answer, by question number */
    private final Map<Long, CompletableFuture<Boolean>> commitQuestions = new ConcurrentHashMap<>();
    private final AtomicLong nextQuestion = new AtomicLong();
    /** stdin closed: nobody can answer a commit question any more */
    private volatile boolean supervisorGone;
    /** source offsets kept by the Node supervisor (standalone), when init asks for them */
    private SupervisorOffsetBackingStore supervisorOffsets;
    /** connectors the catalog keeps running, with the config each was started with */
    private final Map<String, Map<String, String>> runningConfigs = new java.util.concurrent.ConcurrentHashMap<>();

    Host(Protocol protocol, boolean catalog) {
        this.protocol = protocol;
        this.catalog = catalog;
    }

    /** Dispatch one request; every request gets exactly one reply, an error reply included. */
    void handle(JsonNode request) {
        long id = request.path("id").asLong(0);
        String op = request.path("op").asText("");
        try {
            Object result = switch (op) {
                case "init" -> init(request);
                case "plugins" -> pluginsResource.listConnectorPlugins(request.path("connectorsOnly").asBoolean(true));
                case "pluginConfig" -> pluginsResource.getConnectorConfigDef(
                        request.path("plugin").asText(), request.path("version").asText("latest"));
                case "validate" -> validate(stringMap(request.path("config")));
                case "taskConfigs" -> taskConfigs(request.path("connector").asText(), stringMap(request.path("config")));
                case "stopConnector" -> stopConnector(request.path("connector").asText());
                case "startTask" -> startTask(request);
                case "pause" -> setTargetState(TargetState.PAUSED);
                case "resume" -> setTargetState(TargetState.STARTED);
                case "stop" -> stop();
                case "commitAnswer" -> commitAnswer(request);
                case "offsetsAnswer" -> answerOffsets(request);
                default -> throw new ConnectRestException(400, "Unknown operation '" + op + "'");
            };
            protocol.reply(id, result);
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            String message = String.valueOf(cause.getMessage());
            String missing = missingClass(cause);
            if (missing != null) message += missingDependency(request, missing);
            protocol.fail(id, statusOf(cause), message, cause);
        }
    }

    /** The class a plug-in could not load (a dependency missing from its plugin.path directory), if that was it. */
    private static String missingClass(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoClassDefFoundError || c instanceof ClassNotFoundException) {
                return String.valueOf(c.getMessage()).replace('/', '.');
            }
        }
        return null;
    }

    /** Names the plug-in and where it was loaded from, so the user knows which directory lacks a jar. */
    private String missingDependency(JsonNode request, String missing) {
        String connectorClass = request.path("config").path(ConnectorConfig.CONNECTOR_CLASS_CONFIG).asText(
                request.path("connectorConfig").path(ConnectorConfig.CONNECTOR_CLASS_CONFIG).asText(""));
        String location = "an unknown location";
        if (plugins != null) {
            List<PluginDesc<?>> connectors = new ArrayList<>();
            connectors.addAll(plugins.sinkConnectors());
            connectors.addAll(plugins.sourceConnectors());
            for (PluginDesc<?> desc : connectors) {
                String simple = desc.className().substring(desc.className().lastIndexOf('.') + 1);
                if (desc.className().equals(connectorClass) || simple.equals(connectorClass)
                        || simple.equals(connectorClass + "Connector")) {
                    connectorClass = desc.className();
                    location = desc.location();
                }
            }
        }
        return " (plug-in " + connectorClass + " loaded from " + location + " needs class " + missing
                + ", which is not in its plugin.path directory: a missing dependency jar)";
    }

    private Object init(JsonNode request) {
        Map<String, String> props = new HashMap<>(DISTRIBUTED_DEFAULTS);
        props.putAll(stringMap(request.path("worker")));
        String workerId = request.path("workerId").asText("jvm-host");

        long started = System.currentTimeMillis();
        List<String> scanProblems;
        try (ScanProblems problems = ScanProblems.collect()) {
            plugins = new Plugins(props);
            scanProblems = problems.problems();
        }
        // As Apache's CLI: WorkerConfig may instantiate classes that only plugin.path has.
        plugins.compareAndSwapWithDelegatingLoader();
        DistributedConfig config = new DistributedConfig(props);
        String kafkaClusterId = config.kafkaClusterId();
        String clientIdBase = ConnectUtils.clientIdBase(config);
        Map<String, Object> adminProps = new HashMap<>(config.originals());
        ConnectUtils.addMetricsContextProperties(adminProps, config, kafkaClusterId);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdBase + "shared-admin");
        SharedTopicAdmin sharedAdmin = new SharedTopicAdmin(adminProps);
        KafkaOffsetBackingStore offsets = new KafkaOffsetBackingStore(sharedAdmin, () -> clientIdBase,
                plugins.newInternalConverter(true, JsonConverter.class.getName(),
                        Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false")));
        offsets.configure(config);
        OffsetBackingStore base = offsets;
        // Standalone: the Node worker owns offset.storage.file.filename; offsets go through it (one writer).
        if ("supervisor".equals(request.path("offsets").asText())) {
            supervisorOffsets = new SupervisorOffsetBackingStore(protocol);
            base = supervisorOffsets;
        }
        OffsetBackingStore offsetStore;
        if (catalog) offsetStore = new LazyOffsetBackingStore(base);
        else offsetStore = gatedOffsets = new GatedOffsetBackingStore(base);
        ConnectorClientConfigOverridePolicy policy = plugins.newPlugin(
                config.getString(WorkerConfig.CONNECTOR_CLIENT_POLICY_CLASS_CONFIG), config,
                ConnectorClientConfigOverridePolicy.class);
        worker = new Worker(workerId, Time.SYSTEM, plugins, config, offsetStore, policy);
        herder = new StandaloneHerder(worker, kafkaClusterId, policy);
        worker.start();
        pluginsResource = new ConnectorPluginsResource(herder, new RestRequestTimeout() {
            @Override
            public long timeoutMs() {
                return REQUEST_TIMEOUT_MS;
            }

            @Override
            public long healthCheckTimeoutMs() {
                return REQUEST_TIMEOUT_MS;
            }
        });
        log.info("Worker {} ready in {} ms (Kafka cluster {})", workerId, System.currentTimeMillis() - started, kafkaClusterId);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kafkaClusterId", kafkaClusterId);
        result.put("plugins", describePlugins());
        result.put("scanProblems", scanProblems);
        return result;
    }

    /** Every plug-in Apache found, with what the Node registry needs beyond the REST listing. */
    private List<Map<String, String>> describePlugins() {
        List<Map<String, String>> out = new ArrayList<>();
        addDescs(out, plugins.sinkConnectors());
        addDescs(out, plugins.sourceConnectors());
        addDescs(out, plugins.transformations());
        addDescs(out, plugins.predicates());
        addDescs(out, plugins.converters());
        addDescs(out, plugins.headerConverters());
        return out;
    }

    private static <T> void addDescs(List<Map<String, String>> out, Collection<PluginDesc<T>> descs) {
        for (PluginDesc<T> desc : descs) {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("className", desc.className());
            d.put("type", desc.typeName());
            d.put("version", desc.version());
            d.put("location", desc.location());
            d.put("desc", desc.toString());
            out.add(d);
        }
    }

    private ConfigInfos validate(Map<String, String> config) throws Exception {
        FutureCallback<ConfigInfos> callback = new FutureCallback<>();
        herder.validateConnectorConfig(config, callback, false);
        return callback.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Apache's task-config generation ({@code Worker.connectorTaskConfigs}). The connector keeps running here, as
     * on an Apache worker, so that its {@code requestTaskReconfiguration()} (a new topic, a new table) reaches the
     * Node reconciler; asked again with the same config, the running instance answers. Serialized: the Worker
     * refuses two connectors of one name.
     */
    private synchronized Object taskConfigs(String name, Map<String, String> config) throws Exception {
        if (worker.connectorNames().contains(name) && !config.equals(runningConfigs.get(name))) stopConnector(name);
        if (!worker.connectorNames().contains(name)) startConnector(name, config);
        try {
            boolean sink = worker.isSinkConnector(name);
            ConnectorConfig connectorConfig = sink
                    ? new SinkConnectorConfig(plugins, config)
                    : new SourceConnectorConfig(plugins, config, worker.isTopicCreationEnabled());
            List<Map<String, String>> taskConfigs = worker.connectorTaskConfigs(name, connectorConfig);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("type", sink ? "sink" : "source");
            result.put("version", worker.connectorVersion(name));
            result.put("taskConfigs", taskConfigs);
            return result;
        } catch (Exception e) {
            stopConnector(name);
            throw e;
        }
    }

    private void startConnector(String name, Map<String, String> config) throws Exception {
        Throwable[] failure = new Throwable[1];
        // Until the start has been answered a failure is the request's error; afterwards (the connector's
        // raiseError, a failed transition) it is reported as a connectorFailed event.
        AtomicBoolean running = new AtomicBoolean();
        Consumer<Throwable> failed = cause -> {
            if (running.get()) connectorFailed(name, cause);
            else failure[0] = cause;
        };
        ConnectorStatus.Listener listener = new ConnectorStatusAdapter() {
            @Override
            public void onFailure(String connector, Throwable cause) {
                failed.accept(cause);
            }
        };
        ConnectorContextBridge context = new ConnectorContextBridge(name, worker.metrics().connectorPluginMetrics(name),
                () -> reconfigurationRequested(name), failed::accept);
        FutureCallback<TargetState> started = new FutureCallback<>();
        worker.startConnector(name, config, context, listener, TargetState.STARTED, started);
        try {
            started.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (failure[0] != null) throw failure[0] instanceof Exception e ? e : new ExecutionException(failure[0]);
        } catch (Exception e) {
            if (worker.connectorNames().contains(name)) worker.stopAndAwaitConnector(name);
            throw e;
        }
        runningConfigs.put(name, new HashMap<>(config));
        running.set(true);
    }

    /** The connector was deleted or stopped (or its config changed): release its instance. */
    private synchronized Object stopConnector(String name) {
        runningConfigs.remove(name);
        if (worker.connectorNames().contains(name)) worker.stopAndAwaitConnector(name);
        return Map.of("stopped", name);
    }

    private Object answerOffsets(JsonNode request) {
        if (supervisorOffsets == null) throw new ConnectRestException(409, "This host keeps no supervisor offsets");
        return supervisorOffsets.answer(request);
    }

    private void connectorFailed(String name, Throwable cause) {
        ObjectNode fields = Protocol.JSON.createObjectNode();
        fields.put("connector", name);
        fields.put("trace", Protocol.trace(cause));
        protocol.event("connectorFailed", fields);
    }

    private void reconfigurationRequested(String name) {
        ObjectNode fields = Protocol.JSON.createObjectNode();
        fields.put("connector", name);
        protocol.event("reconfigurationRequested", fields);
    }

    private Object startTask(JsonNode request) {
        if (taskId != null) throw new ConnectRestException(409, "This host already runs task " + taskId);
        String connector = request.path("connector").asText();
        taskId = new ConnectorTaskId(connector, request.path("taskId").asInt());
        Map<String, String> connectorConfig = stringMap(request.path("connectorConfig"));
        Map<String, String> taskConfig = stringMap(request.path("taskConfig"));
        int taskCount = request.path("taskCount").asInt(1);
        TargetState target = "PAUSED".equals(request.path("targetState").asText()) ? TargetState.PAUSED : TargetState.STARTED;
        // Source or sink: the connector class says (the Node side does not know Java's class hierarchy).
        boolean sink = SinkConnector.class.isAssignableFrom(
                plugins.connectorClass(connectorConfig.get(ConnectorConfig.CONNECTOR_CLASS_CONFIG)));
        if (request.path("fenceOffsets").asBoolean(false)) {
            gatedOffsets.gate(this::mayCommit);
            // Sinks commit through their consumer: the generation check sits in preCommit (GatedSinkTask).
            if (sink && taskConfig.containsKey(TaskConfig.TASK_CLASS_CONFIG)) {
                GatedSinkTask.prepare(sinkTaskClass(connectorConfig, taskConfig), this::mayCommit);
                taskConfig.put(TaskConfig.TASK_CLASS_CONFIG, GatedSinkTask.class.getName());
            }
        }
        // The view of the config topic Apache's task needs: this connector, its task count and this task's config.
        ClusterConfigState state = new ClusterConfigState(
                1, null,
                Map.of(connector, taskCount),
                Map.of(connector, connectorConfig),
                Map.of(connector, target),
                Map.of(taskId, taskConfig),
                Map.of(), Map.of(), Map.of(), Set.of(), Set.of(),
                worker.configTransformer());
        TaskStatus.Listener listener = new TaskStatusReporter();
        long metricsIntervalMs = request.path("metricsIntervalMs").asLong(0);
        if (metricsIntervalMs > 0) {
            // Apache's default consumer client id (Worker.baseConsumerConfigs) unless the connector overrides it.
            String clientId = connectorConfig.getOrDefault("consumer.override.client.id", "connector-consumer-" + taskId);
            metricsReporter = new TaskMetricsReporter(protocol, worker.metrics().metrics(), taskId, sink, clientId,
                    gatedOffsets::lastCommitAt);
            metricsReporter.start(metricsIntervalMs);
        }
        boolean started = sink
                ? worker.startSinkTask(taskId, state, connectorConfig, taskConfig, listener, target)
                : worker.startSourceTask(taskId, state, connectorConfig, taskConfig, listener, target);
        return Map.of("started", started, "type", sink ? "sink" : "source");
    }

    /** The plug-in's sink task class, loaded by the connector's plug-in class loader. */
    private Class<? extends SinkTask> sinkTaskClass(Map<String, String> connectorConfig, Map<String, String> taskConfig) {
        ClassLoader loader = plugins.connectorClass(connectorConfig.get(ConnectorConfig.CONNECTOR_CLASS_CONFIG))
                .getClassLoader();
        try {
            return Class.forName(taskConfig.get(TaskConfig.TASK_CLASS_CONFIG), true, loader).asSubclass(SinkTask.class);
        } catch (ClassNotFoundException e) {
            throw new ConnectException("Sink task class " + taskConfig.get(TaskConfig.TASK_CLASS_CONFIG)
                    + " not found by the class loader of its connector", e);
        }
    }

    private Object setTargetState(TargetState state) {
        if (taskId == null) throw new ConnectRestException(409, "No task runs in this host");
        worker.setTargetState(taskId.connector(), state, (error, result) -> { });
        return Map.of("targetState", state.name());
    }

    /**
     * Asks the supervisor whether this instance may commit source offsets (its generation is still the stored
     * one): an event {@code mayCommit} with a question number, answered by the {@code commitAnswer} request. No
     * answer in time, or no supervisor, is a refusal: the offsets stay uncommitted (replayed, never lost).
     */
    private boolean mayCommit() {
        if (supervisorGone) {
            log.warn("No supervisor to confirm this instance's generation: offset commit refused");
            return false;
        }
        long question = nextQuestion.incrementAndGet();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        commitQuestions.put(question, answer);
        try {
            ObjectNode fields = Protocol.JSON.createObjectNode();
            fields.put("question", question);
            protocol.event("mayCommit", fields);
            return answer.get(COMMIT_QUESTION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("The supervisor did not confirm this instance's generation ({}): offset commit refused", e.toString());
            return false;
        } finally {
            commitQuestions.remove(question);
        }
    }

    private Object commitAnswer(JsonNode request) {
        CompletableFuture<Boolean> answer = commitQuestions.get(request.path("question").asLong());
        if (answer != null) answer.complete(request.path("allowed").asBoolean(false));
        return Map.of("answered", answer != null);
    }

    /** stdin closed: refuse pending and future commit questions (nobody can answer them). */
    void supervisorGone() {
        supervisorGone = true;
        commitQuestions.values().forEach(a -> a.complete(false));
    }

    /** Stop the task (final offset commit included) and the worker; the caller exits the process afterwards. */
    Object stop() {
        if (metricsReporter != null) metricsReporter.close();
        if (worker != null) {
            worker.stopAndAwaitTasks();
            worker.stopAndAwaitConnectors();
            worker.stop();
        }
        return Map.of("stopped", true);
    }

    /** Task state, reported to the Node supervisor as Apache's herder writes it to the status topic. */
    private final class TaskStatusReporter implements TaskStatus.Listener {
        private void report(String state, Throwable cause) {
            ObjectNode fields = Protocol.JSON.createObjectNode();
            fields.put("state", state);
            if (cause != null) fields.put("trace", Protocol.trace(cause));
            else fields.putNull("trace");
            if (taskId != null) fields.put("version", String.valueOf(worker.taskVersion(taskId)));
            protocol.event("state", fields);
        }

        @Override
        public void onStartup(ConnectorTaskId id) {
            report("RUNNING", null);
        }

        @Override
        public void onPause(ConnectorTaskId id) {
            report("PAUSED", null);
        }

        @Override
        public void onResume(ConnectorTaskId id) {
            report("RUNNING", null);
        }

        @Override
        public void onFailure(ConnectorTaskId id, Throwable cause) {
            report("FAILED", cause);
        }

        @Override
        public void onShutdown(ConnectorTaskId id) {
            report("UNASSIGNED", null);
        }

        @Override
        public void onDeletion(ConnectorTaskId id) {
        }

        @Override
        public void onRestart(ConnectorTaskId id) {
        }
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The HTTP status Apache's ConnectExceptionMapper gives the exception. */
    private static int statusOf(Throwable t) {
        if (t instanceof ConnectRestException e) return e.statusCode();
        if (t instanceof NotFoundException) return 404;
        if (t instanceof AlreadyExistsException) return 409;
        if (t instanceof TimeoutException) return 500;
        return 500;
    }

    /** A connector status listener that ignores everything but what a subclass overrides. */
    private static class ConnectorStatusAdapter implements ConnectorStatus.Listener {
        @Override
        public void onShutdown(String connector) {
        }

        @Override
        public void onFailure(String connector, Throwable cause) {
        }

        @Override
        public void onStop(String connector) {
        }

        @Override
        public void onPause(String connector) {
        }

        @Override
        public void onResume(String connector) {
        }

        @Override
        public void onStartup(String connector) {
        }

        @Override
        public void onDeletion(String connector) {
        }

        @Override
        public void onRestart(String connector) {
        }
    }
}
