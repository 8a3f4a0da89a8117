package dev.otlprelay.cli;

import dev.otlprelay.Relay;
import dev.otlprelay.bench.LoadgenCommand;
import dev.otlprelay.bench.SinkCommand;
import dev.otlprelay.sample.xrayrules.DestinationSamplers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.otlprelay.config.ConfigException;
import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.EffectiveConfig;
import dev.otlprelay.config.EnvironmentVariables;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.config.RelayConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The command-line words: {@code run}, {@code check-config}, {@code healthcheck}, {@code help}, and the
 * performance harness's {@code loadgen} and {@code sink} (which read their own flags). Each returns an exit code;
 * only {@code Main} exits the process.
 */
public final class Commands {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar otlp-relay.jar [COMMAND] [--config FILE]

            commands:
              run            run the relay (the default)
              check-config   print the effective configuration (secrets as fingerprints); exit 2 if invalid
              healthcheck    exit 0 when the local relay answers /readyz (for Docker HEALTHCHECK)
              loadgen        send Flask-like OTLP load and report spans/s and ack latency (loadgen --help)
              sink           count what a relay delivers, or act as a null relay (sink --help); see bench/run
              help           this text

            options:
              --config FILE  configuration file (default: $RELAY_CONFIG, else config/relay.yaml if present)

            """ + environmentHelp();

    /** The help text's width, as the hand-written part above it is wrapped. */
    private static final int HELP_WIDTH = 110;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public Commands(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /**
     * The environment paragraph of the help: every variable the loader reads, as the key table names them, wrapped
     * at {@value #HELP_WIDTH} columns with continuation lines indented by two.
     */
    private static String environmentHelp() {
        StringBuilder text = new StringBuilder();
        StringBuilder line = new StringBuilder("environment (overrides the file):");
        List<String> items = EnvironmentVariables.forHelp();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i + 1 < items.size() ? "," : "");
            if (line.length() + 1 + item.length() > HELP_WIDTH) {
                text.append(line).append('\n');
                line = new StringBuilder(" ");
            }
            line.append(' ').append(item);
        }
        return text.append(line).append('\n').toString();
    }

    /** Parsed command line. */
    record Invocation(String command, Path config) {
    }

    /** Runs the command line; {@code run} returns only after the relay has stopped. */
    public int execute(String[] args, ShutdownSignal shutdown) {
        if (args.length > 0 && (args[0].equals("loadgen") || args[0].equals("sink"))) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            return args[0].equals("loadgen") ? LoadgenCommand.run(rest, out, err, shutdown::await)
                    : SinkCommand.run(rest, out, err, shutdown::await);
        }
        Invocation inv;
        try {
            inv = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("otlp-relay: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        return switch (inv.command()) {
            case "help" -> {
                out.print(USAGE_TEXT);
                yield OK;
            }
            case "check-config" -> checkConfig(inv.config());
            case "healthcheck" -> healthcheck(inv.config());
            default -> run(inv.config(), shutdown);
        };
    }

    static Invocation parse(String[] args) {
        String command = null;
        Path config = null;
        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--help", "-h", "help" -> command = "help";
                case "--config", "-c" -> {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException("--config needs a file name");
                    }
                    config = Path.of(rest.get(++i));
                }
                case "run", "check-config", "healthcheck" -> {
                    if (command != null && !command.equals("help")) {
                        throw new IllegalArgumentException("two commands given: " + command + " and " + a);
                    }
                    if (command == null) {
                        command = a;
                    }
                }
                default -> {
                    if (a.startsWith("--config=")) {
                        config = Path.of(a.substring("--config=".length()));
                    } else {
                        throw new IllegalArgumentException("unknown argument \"" + a
                                + "\" (expected: run, check-config, healthcheck, loadgen, sink, help or --config FILE)");
                    }
                }
            }
        }
        return new Invocation(command == null ? "run" : command, config);
    }

    private RelayConfig load(Path file) throws ConfigException {
        return ConfigLoader.load(file, env);
    }

    int checkConfig(Path file) {
        try {
            RelayConfig config = load(file);
            if (config.sampling().active()) {
                // Compiles every rules file and condition as the relay would at start.
                new DestinationSamplers(config.sampling(), new SimpleMeterRegistry(), System::nanoTime);
            }
            out.print(EffectiveConfig.render(config));
            return OK;
        } catch (ConfigException e) {
            err.println("otlp-relay: invalid configuration:");
            for (String p : e.problems()) {
                err.println("  " + p);
            }
            return USAGE;
        }
    }

    int healthcheck(Path file) {
        RelayConfig config;
        try {
            config = load(file);
        } catch (ConfigException e) {
            err.println("otlp-relay healthcheck: invalid configuration: " + String.join("; ", e.problems()));
            return USAGE;
        }
        HostPort admin = config.admin().address();
        String host = admin.host().equals("0.0.0.0") || admin.host().equals("::") ? "127.0.0.1" : admin.host();
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.port()
                + "/readyz");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                out.println("ready (" + uri + ")");
                return OK;
            }
            err.println("not ready (" + uri + " answered " + r.statusCode() + "): " + r.body().strip());
            return FAILED;
        } catch (Exception e) {
            err.println("not ready: " + uri + " did not answer (" + e + ")");
            return FAILED;
        }
    }

    int run(Path file, ShutdownSignal shutdown) {
        RelayConfig config;
        try {
            config = load(file);
        } catch (ConfigException e) {
            err.println("otlp-relay: invalid configuration, not starting:");
            for (String p : e.problems()) {
                err.println("  " + p);
            }
            return USAGE;
        }
        Relay relay;
        try {
            relay = new Relay(config, List.of(), out::println);
        } catch (IllegalArgumentException e) {
            err.println("otlp-relay: " + e.getMessage() + "\nnot starting");
            return USAGE;
        }
        try {
            relay.start();
        } catch (RuntimeException e) {
            err.println("otlp-relay: could not start: " + e.getMessage());
            return FAILED;
        }
        shutdown.await();
        relay.stop();
        return OK;
    }

    /** Blocks {@code run} until the process is asked to stop. */
    public interface ShutdownSignal {
        void await();
    }

    /** A signal released by {@link #release()} — from a SIGTERM handler in production, from a test otherwise. */
    public static final class Latch implements ShutdownSignal {
        private final CountDownLatch latch = new CountDownLatch(1);

        public void release() {
            latch.countDown();
        }

        @Override
        public void await() {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
