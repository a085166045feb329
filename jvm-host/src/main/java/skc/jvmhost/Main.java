package skc.jvmhost;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Entry point: {@code java -cp … skc.jvmhost.Main catalog|task}. Requests arrive on stdin, one JSON object a
 * line; replies and state events leave on stdout. The first request must be {@code init}. The host stops (final
 * offset commit included) and exits on a {@code stop} request or when stdin closes: its supervisor is gone.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // stdout is the protocol: whatever a plug-in prints goes to stderr with the logs.
        PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        String role = args.length > 0 ? args[0] : "";
        if (!role.equals("catalog") && !role.equals("task")) {
            System.err.println("usage: skc.jvmhost.Main catalog|task");
            System.exit(2);
        }
        Protocol protocol = new Protocol(protocolOut);
        Host host = new Host(protocol, role.equals("catalog"));
        // Requests run concurrently (a validation does not wait for a slow connector's task configs); init first.
        ExecutorService requests = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "skc-request");
            t.setDaemon(true);
            return t;
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean initialized = false;
        boolean stopping = false;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode request;
            try {
                request = Protocol.JSON.readTree(line);
            } catch (Exception e) {
                protocol.fail(0, 400, "Malformed request: " + e.getMessage(), null);
                continue;
            }
            String op = request.path("op").asText("");
            if (!initialized) {
                if (!op.equals("init")) {
                    protocol.fail(request.path("id").asLong(0), 409, "The host is not initialized", null);
                    continue;
                }
                host.handle(request);
                initialized = true;
                continue;
            }
            if (op.equals("stop")) {
                if (stopping) continue; // one stop at a time; the first one exits the process
                stopping = true;
                // Off the reading thread: the task's final offset commit asks the supervisor, whose answer
                // arrives on stdin while the stop is under way.
                requests.submit(() -> {
                    host.handle(request);
                    System.exit(0);
                });
                continue;
            }
            requests.submit(() -> host.handle(request));
        }
        // stdin closed: the supervisor is gone; stop cleanly and leave. Without a supervisor to confirm this
        // instance's generation, its final source offset commit is refused (replayed by its successor, not lost).
        host.supervisorGone();
        if (stopping) {
            // The requested stop is under way on its own thread and exits the process when done.
            Thread.currentThread().join();
        }
        try {
            host.stop();
        } finally {
            System.exit(0);
        }
    }
}
