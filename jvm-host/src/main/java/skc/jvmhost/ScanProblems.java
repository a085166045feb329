package skc.jvmhost;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What Apache's plug-in scanner could not load (a plug-in whose dependency is missing, a corrupt archive …). It
 * only logs these; collecting them lets the Node side name the plug-in and its directory when a user asks for a
 * connector class that failed to load, instead of a bare "Failed to find any class".
 */
final class ScanProblems extends AbstractAppender implements AutoCloseable {
    private static final String SCANNER_LOGGERS = "org.apache.kafka.connect.runtime.isolation";
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    private ScanProblems() {
        super("skc-scan-problems", null, null, true, Property.EMPTY_ARRAY);
    }

    static ScanProblems collect() {
        ScanProblems appender = new ScanProblems();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        context.updateLoggers();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLoggerName() == null || !event.getLoggerName().startsWith(SCANNER_LOGGERS)) return;
        if (!event.getLevel().isMoreSpecificThan(Level.ERROR)) return;
        String message = event.getMessage().getFormattedMessage();
        Throwable thrown = event.getThrown();
        problems.add(thrown == null ? message : message + " (" + thrown + ")");
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
