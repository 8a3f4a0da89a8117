package dev.otlprelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.otlprelay.cli.Commands;
import dev.otlprelay.config.ConfigLoader;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.config.RelayConfig;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile, .dockerignore and docker-compose.yml agree with each other and with the relay's own defaults.
 * There is no Docker engine where the tests run, so the files are parsed, not built or started.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String RELAY = "otlp-relay";
    private static final String BACKEND = "backend-flask";
    private static final String XRAY = "xray-daemon";
    private static final String HEALTHCHECK_SCRIPT = "src/main/docker/healthcheck.sh";

    private static RelayConfig defaults;
    private static JsonNode compose;
    private static List<Stage> stages;

    @BeforeAll
    static void readFiles(@TempDir Path emptyDir) throws Exception {
        assertThat(ROOT.resolve("pom.xml")).as("tests run from the repository root").isRegularFile();
        defaults = ConfigLoader.load(null, Map.of(), emptyDir);
        compose = new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
        stages = Dockerfile.parse(Files.readAllLines(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8));
        assertThat(stages).as("Dockerfile stages").hasSizeGreaterThanOrEqualTo(2);
    }

    // ---- docker-compose.yml ----

    @Test
    void composePublishesTheRelaysDefaultPorts() {
        List<PortMapping> ports = ports(service(RELAY));
        assertThat(ports).extracting(PortMapping::container)
                .containsExactlyInAnyOrderElementsOf(defaultPorts());
        assertThat(ports).allSatisfy(p -> {
            assertThat(p.protocol()).isEqualTo("tcp");
            assertThat(p.published()).as("published port of %s", p).isEqualTo(p.container());
        });
    }

    @Test
    void backendSendsOtlpHttpToTheRelaysDefaultHttpPort() {
        JsonNode backend = service(BACKEND);
        Map<String, String> env = environment(backend);

        URI endpoint = URI.create(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
        assertThat(endpoint.getScheme()).isEqualTo("http");
        assertThat(endpoint.getHost()).isEqualTo(RELAY);
        assertThat(endpoint.getPort()).isEqualTo(defaults.receiver().httpAddress().port());
        assertThat(endpoint.getRawPath()).as("the SDK appends /v1/traces itself").isIn(null, "");
        assertThat(endpoint.getRawQuery()).isNull();
        assertThat(env.get("OTEL_EXPORTER_OTLP_PROTOCOL")).as("the relay's HTTP port speaks OTLP/HTTP")
                .isIn("http/protobuf", "http/json");
        assertThat(dependsOn(backend)).contains(RELAY);
    }

    @Test
    void backendNoLongerHoldsTheHoneycombKey() {
        Map<String, String> env = environment(service(BACKEND));
        assertThat(env).doesNotContainKeys("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                "HONEYCOMB_API_KEY");
        assertThat(env.values()).noneMatch(v -> v.contains("HONEYCOMB_API_KEY") || v.contains("honeycomb"));
    }

    @Test
    void relayGetsTheHoneycombKeyFromTheHostEnvironment() {
        Map<String, String> env = environment(service(RELAY));
        assertThat(env).containsKey("HONEYCOMB_API_KEY");
        assertThat(env.get("HONEYCOMB_API_KEY")).as("a reference to the host's variable, never a key")
                .matches("\\$\\{HONEYCOMB_API_KEY(:?-[^}]*)?}");
    }

    @Test
    void relaySendsToTheUdpPortTheXrayDaemonPublishes() {
        Map<String, String> env = environment(service(RELAY));
        assertThat(env).containsKey("AWS_XRAY_DAEMON_ADDRESS");
        HostPort daemon = HostPort.parse(env.get("AWS_XRAY_DAEMON_ADDRESS"));
        assertThat(daemon.host()).isEqualTo(XRAY);

        List<PortMapping> published = ports(service(XRAY));
        assertThat(published).as("UDP ports of %s", XRAY).filteredOn(p -> p.protocol().equals("udp"))
                .extracting(PortMapping::container).contains(daemon.port());
        assertThat(service(XRAY).path("image").asText()).startsWith("amazon/aws-xray-daemon");
    }

    @Test
    void xrayDaemonRunsInLocalModeWithFlagsTheImagesEntrypointTakes() {
        JsonNode daemon = service(XRAY);
        // amazon/aws-xray-daemon's ENTRYPOINT is ["/xray", "-t", "0.0.0.0:2000", "-b", "0.0.0.0:2000"]: `command`
        // is appended to it, and Go's flag parsing stops at the first word that is not a flag ("xray" ignored -o).
        List<String> command = strings(daemon.path("command"));
        assertThat(command).as("command of %s", XRAY).isNotEmpty();
        assertThat(command.get(0)).as("first argument, after the entrypoint's flags").startsWith("-");
        assertThat(command).as("local mode: no EC2 instance metadata off AWS").containsAnyOf("-o", "--local-mode");
        assertThat(command).as("the entrypoint already binds 0.0.0.0:2000, which the published port reaches")
                .doesNotContain("-b", "--bind", "-t", "--bind-tcp");
        boolean regionFlag = command.contains("-n") || command.contains("--region");
        assertThat(regionFlag || environment(daemon).containsKey("AWS_REGION"))
                .as("a region (AWS_REGION or -n): local mode cannot look it up").isTrue();
    }

    @Test
    void composeCommitsNoCredentials() {
        for (Map.Entry<String, JsonNode> s : services().properties()) {
            environment(s.getValue()).forEach((name, value) -> {
                if (name.matches("(?i).*(KEY|SECRET|TOKEN|PASSWORD).*")) {
                    assertThat(value).as("%s of %s", name, s.getKey()).matches("\\$\\{[A-Z0-9_]+(:?-[^}]*)?}");
                }
            });
        }
    }

    @Test
    void composeBuildsTheRelayFromThisDockerfileAndChecksItsHealthTheSameWay() {
        JsonNode relay = service(RELAY);
        assertThat(relay.path("build").asText()).isIn(".", "./");
        assertThat(relay.path("image").asText()).startsWith(RELAY + ":");

        List<String> test = strings(relay.path("healthcheck").path("test"));
        assertThat(test).first().isEqualTo("CMD");
        assertThat(test.subList(1, test.size())).isEqualTo(healthcheck().command());
    }

    @Test
    void composeGivesTheRelaysWholeStopTheTimeItTakesBeforeSigkill() {
        // docker stop and compose down send SIGKILL after stop_grace_period (10 s when unset).
        JsonNode grace = service(RELAY).path("stop_grace_period");
        assertThat(grace.isMissingNode()).as("stop_grace_period is set, so that the two are changed together")
                .isFalse();
        java.util.regex.Matcher m = Pattern.compile("(\\d+)s").matcher(grace.asText());
        assertThat(m.matches()).as("stop_grace_period in whole seconds: %s", grace.asText()).isTrue();
        Duration window = Duration.ofSeconds(Long.parseLong(m.group(1)));
        assertThat(window).as("stop_grace_period %s", grace.asText())
                .isGreaterThanOrEqualTo(defaults.shutdown().drainTimeout().plusSeconds(2));
        assertThat(defaults.shutdown().drainTimeout()).as("the default fits Docker's own 10 s with room to exit")
                .isLessThanOrEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void composeKeepsTheSpoolOnAVolumeTheRelayUserCanWrite() {
        JsonNode relay = service(RELAY);
        String spoolDir = environment(relay).get("RELAY_SPOOL_DIR");
        assertThat(spoolDir).as("the spool is on in compose").isNotBlank();
        List<String> volumes = strings(relay.path("volumes"));
        String mount = volumes.stream().filter(v -> spoolDir.startsWith(v.split(":")[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no volume holds " + spoolDir + ": " + volumes));
        String volume = mount.split(":")[0];
        assertThat(compose.path("volumes").has(volume)).as("named volume %s is declared", volume).isTrue();
        String target = mount.split(":")[1];
        assertThat(runtime().all("RUN")).extracting(Instruction::args)
                .anySatisfy(run -> assertThat(run).contains("mkdir -p " + target).contains("chown 10001:10001 "
                        + target));
    }

    // ---- Dockerfile ----

    @Test
    void dockerfileExposesExactlyTheDefaultPorts() {
        List<String> exposed = new ArrayList<>();
        for (Instruction expose : runtime().all("EXPOSE")) {
            exposed.addAll(List.of(expose.args().split("\\s+")));
        }
        assertThat(exposed).extracting(p -> Integer.parseInt(p.replaceFirst("(?i)/tcp$", "")))
                .containsExactlyInAnyOrderElementsOf(defaultPorts());
    }

    @Test
    void buildStageProducesTheJarThePomNames() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertThat(xmlElement(pom, "finalName")).isEqualTo("otlp-relay");
        assertThat(xmlElement(pom, "relay.buildDir")).as("the default build directory")
                .isEqualTo("${project.basedir}/target");

        Stage build = buildStage();
        String basedir = build.workdirAt(build.instructions().size());
        Instruction copyPom = build.all("COPY").stream().filter(c -> c.copySources().contains("pom.xml"))
                .findFirst().orElseThrow(() -> new AssertionError("the build stage copies no pom.xml"));
        assertThat(Dockerfile.copiedTo(build, copyPom, "pom.xml")).isEqualTo(basedir + "/pom.xml");

        Instruction packaging = build.all("RUN").stream()
                .filter(r -> r.args().matches("(?s).*\\bmvn\\b.*\\bpackage\\b.*")).findFirst()
                .orElseThrow(() -> new AssertionError("the build stage runs no `mvn package`"));
        assertThat(packaging.args()).as("the jar stays in the default build directory")
                .doesNotContain("relay.buildDir").doesNotContain("-DbuildDirectory");
        assertThat(build.workdirAt(build.instructions().indexOf(packaging))).isEqualTo(basedir);

        assertThat(jarCopy().copySources()).containsExactly(basedir + "/target/otlp-relay.jar");
    }

    @Test
    void buildStageDownloadsDependenciesBeforeCopyingTheSources() {
        Stage build = buildStage();
        List<Instruction> steps = build.instructions();
        int pom = indexOf(steps, i -> i.keyword().equals("COPY") && i.copySources().contains("pom.xml"));
        int offline = indexOf(steps, i -> i.keyword().equals("RUN") && i.args().contains("dependency:go-offline"));
        int sources = indexOf(steps, i -> i.keyword().equals("COPY") && i.copySources().stream()
                .anyMatch(s -> s.equals("src") || s.startsWith("src/")));
        assertThat(pom).as("COPY pom.xml").isNotNegative();
        assertThat(offline).as("RUN mvn dependency:go-offline").isGreaterThan(pom);
        assertThat(sources).as("COPY src").isGreaterThan(offline);
    }

    @Test
    void runtimeRunsTheJarItCopiedFromTheBuildStage() {
        String jar = Dockerfile.copiedTo(runtime(), jarCopy(), "otlp-relay.jar");

        Instruction entrypoint = runtime().last("ENTRYPOINT").orElseThrow();
        assertThat(entrypoint.isExecForm()).as("exec form, so that java is PID 1 and gets SIGTERM").isTrue();
        List<String> command = entrypoint.json();
        assertThat(command).first().isEqualTo("java");
        assertThat(command).containsSubsequence("-jar", jar);
        assertThat(command.get(command.indexOf("-jar") + 1)).isEqualTo(jar);
        assertThat(command.indexOf("-jar")).as("-jar is the last JVM option").isEqualTo(command.size() - 2);

        Instruction cmd = runtime().last("CMD").orElseThrow();
        assertThat(cmd.json()).containsExactly("run");

    }

    @Test
    void theHealthcheckStartsNoJvmButRunsTheScriptTheImageCopies() {
        Healthcheck h = healthcheck();
        assertThat(h.options()).containsKeys("--interval", "--timeout", "--start-period", "--retries");
        // A JVM per check cost 0.7-0.95 CPU-s and 88 MiB inside the container's limit, every 10 s.
        assertThat(h.command()).doesNotContain("java").containsExactly("bash", "/app/healthcheck.sh");
        Instruction copy = runtime().all("COPY").stream().filter(c -> !c.copyOptions().containsKey("--from"))
                .filter(c -> c.copySources().contains(HEALTHCHECK_SCRIPT)).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime stage does not copy " + HEALTHCHECK_SCRIPT));
        assertThat(Dockerfile.copiedTo(runtime(), copy, "healthcheck.sh")).isEqualTo("/app/healthcheck.sh");
        assertThat(ROOT.resolve(HEALTHCHECK_SCRIPT)).isRegularFile();
    }

    @Test
    void theHealthcheckScriptIsReadyOnlyWhenReadyzAnswers200AndNeedsNoToolButBash() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThat(runHealthcheck("127.0.0.1:" + closedPort)).startsWith("1 ").contains("nothing answers");

        List<String> paths = new CopyOnWriteArrayList<>();
        int[] status = {503};
        HttpServer admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        admin.createContext("/", exchange -> {
            paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = (status[0] == 200 ? "ready\n" : "not ready: the relay is shutting down\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        admin.start();
        try {
            // As the relay binds it by default: a wildcard host is asked on the loopback address.
            String address = "0.0.0.0:" + admin.getAddress().getPort();
            assertThat(runHealthcheck(address)).startsWith("1 ").contains("503")
                    .contains("the relay is shutting down");
            status[0] = 200;
            assertThat(runHealthcheck(address)).startsWith("0 ").contains("ready");
            assertThat(paths).containsOnly("GET /readyz");
        } finally {
            admin.stop(0);
        }
    }

    /** Runs the image's health check script with bash and nothing on the PATH; "exit-code output". */
    private static String runHealthcheck(String adminAddress) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", ROOT.resolve(HEALTHCHECK_SCRIPT).toString())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/nonexistent");
        pb.environment().put("RELAY_ADMIN_ADDRESS", adminAddress);
        Process check = pb.start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return check.exitValue() + " " + output;
    }

    @Test
    void theHealthcheckCommandStaysForOtherUses() throws IOException {
        // The CLI knows the word: it asks /readyz (here a closed port) instead of refusing the argument.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Commands(Map.of("RELAY_ADMIN_ADDRESS", "127.0.0.1:" + closedPort),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(new String[] {"healthcheck"}, () -> { });
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Commands.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not ready").contains(":" + closedPort + "/readyz");
    }

    @Test
    void runtimeStageRunsAsANonRootUser() {
        Instruction user = runtime().last("USER")
                .orElseThrow(() -> new AssertionError("the runtime stage sets no USER (it would run as root)"));
        String name = user.args().split(":")[0].strip();
        assertThat(name).isNotEmpty().isNotIn("root", "0");
    }

    @Test
    void imagesUseTheJavaReleaseThePomCompilesFor() throws IOException {
        String release = xmlElement(Files.readString(ROOT.resolve("pom.xml")), "maven.compiler.release");
        assertThat(buildStage().base()).startsWith("maven:").contains("temurin-" + release);
        assertThat(runtime().base()).isEqualTo("eclipse-temurin:" + release + "-jre");
    }

    @Test
    void imageShipsTheRepositoryConfigWhereTheRelayLooksForIt(@TempDir Path image) throws Exception {
        Instruction copy = runtime().all("COPY").stream().filter(c -> !c.copyOptions().containsKey("--from"))
                .filter(c -> c.copySources().contains("config/relay.yaml")).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime stage does not copy config/relay.yaml"));
        Path inRepo = ROOT.resolve("config/relay.yaml");
        assertThat(inRepo).isRegularFile();

        // Lay the file out as the image does, relative to the WORKDIR the relay starts in, and let the relay find it.
        String workdir = runtime().workdirAt(runtime().instructions().size());
        String target = Dockerfile.copiedTo(runtime(), copy, "relay.yaml");
        assertThat(target).startsWith(workdir + "/");
        Path placed = image.resolve(target.substring(workdir.length() + 1));
        Files.createDirectories(placed.getParent());
        Files.copy(inRepo, placed);

        RelayConfig loaded = ConfigLoader.load(null, Map.of(), image);
        assertThat(loaded.source()).as("the relay picks up the shipped file without --config")
                .isEqualTo(placed.toAbsolutePath().normalize());
        assertThat(ports(loaded)).as("the shipped file keeps the ports the image exposes")
                .isEqualTo(ports(defaults));
    }

    @Test
    void dockerignoreKeepsWhatTheBuildCopiesAndDropsTheRest() throws IOException {
        List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> fromContext = new ArrayList<>();
        for (Stage s : stages) {
            for (Instruction c : s.all("COPY")) {
                if (!c.copyOptions().containsKey("--from")) {
                    fromContext.addAll(c.copySources());
                }
            }
        }
        assertThat(fromContext).isNotEmpty();
        assertThat(fromContext).allSatisfy(p -> assertThat(ignored(patterns, p)).as("%s ignored", p).isFalse());
        assertThat(List.of("target", "target/otlp-relay.jar", ".git", ".git/config", ".env"))
                .allSatisfy(p -> assertThat(ignored(patterns, p)).as("%s ignored", p).isTrue());
    }

    // ---- helpers: the relay ----

    private static List<Integer> defaultPorts() {
        return ports(defaults);
    }

    private static List<Integer> ports(RelayConfig c) {
        return List.of(c.receiver().grpcAddress().port(), c.receiver().httpAddress().port(),
                c.admin().address().port());
    }

    // ---- helpers: compose ----

    private static JsonNode services() {
        JsonNode services = compose.path("services");
        assertThat(services.isObject()).as("docker-compose.yml has services").isTrue();
        return services;
    }

    private static JsonNode service(String name) {
        JsonNode s = services().path(name);
        assertThat(s.isObject()).as("service %s in docker-compose.yml", name).isTrue();
        return s;
    }

    /** The environment in either form: a map, or a list of NAME=value. */
    private static Map<String, String> environment(JsonNode service) {
        JsonNode env = service.path("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env.isObject()) {
            for (Map.Entry<String, JsonNode> e : env.properties()) {
                result.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        } else if (env.isArray()) {
            for (JsonNode item : env) {
                String[] kv = item.asText().split("=", 2);
                result.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return result;
    }

    private static Set<String> dependsOn(JsonNode service) {
        JsonNode d = service.path("depends_on");
        Set<String> names = new TreeSet<>();
        if (d.isArray()) {
            d.forEach(n -> names.add(n.asText()));
        } else if (d.isObject()) {
            d.fieldNames().forEachRemaining(names::add);
        } else if (d.isTextual()) {
            names.add(d.asText());
        }
        return names;
    }

    private static List<String> strings(JsonNode node) {
        assertThat(node.isArray()).as("a list: %s", node).isTrue();
        List<String> list = new ArrayList<>();
        node.forEach(n -> list.add(n.asText()));
        return list;
    }

    record PortMapping(Integer published, int container, String protocol) {
    }

    private static final Pattern SHORT_PORT = Pattern.compile(
            "(?:(?:\\[[^]]*]|[^:\\[]+):)??(?:(\\d+):)?(\\d+)(?:/(tcp|udp))?");

    /** Ports in the short ("[ip:]published:container[/proto]") or long (target/published/protocol) syntax. */
    private static List<PortMapping> ports(JsonNode service) {
        List<PortMapping> result = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            if (p.isObject()) {
                JsonNode published = p.path("published");
                result.add(new PortMapping(published.isMissingNode() ? null : Integer.valueOf(published.asText()),
                        p.path("target").asInt(), p.path("protocol").asText("tcp").toLowerCase(Locale.ROOT)));
            } else {
                Matcher m = SHORT_PORT.matcher(p.asText());
                assertThat(m.matches()).as("port mapping %s (ranges are not expected)", p.asText()).isTrue();
                result.add(new PortMapping(m.group(1) == null ? null : Integer.valueOf(m.group(1)),
                        Integer.parseInt(m.group(2)), m.group(3) == null ? "tcp" : m.group(3)));
            }
        }
        assertThat(result).as("ports of a service").isNotEmpty();
        return result;
    }

    // ---- helpers: Dockerfile ----

    private static Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** The stage the runtime copies the jar from. */
    private static Stage buildStage() {
        String from = jarCopy().copyOptions().get("--from");
        return stages.stream().filter(s -> from.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named " + from));
    }

    /** The runtime's COPY --from=<build stage> of the jar. */
    private static Instruction jarCopy() {
        List<Instruction> copies = runtime().all("COPY").stream()
                .filter(c -> c.copyOptions().containsKey("--from"))
                .filter(c -> c.copySources().stream().anyMatch(s -> s.endsWith(".jar"))).toList();
        assertThat(copies).as("COPY --from=<build stage> of the jar in the runtime stage").hasSize(1);
        return copies.get(0);
    }

    record Healthcheck(Map<String, String> options, List<String> command) {
    }

    private static Healthcheck healthcheck() {
        Instruction h = runtime().last("HEALTHCHECK")
                .orElseThrow(() -> new AssertionError("the runtime stage has no HEALTHCHECK"));
        Matcher m = Pattern.compile("(?s)((?:--[a-z-]+=\\S+\\s+)*)CMD\\s+(\\[.*])").matcher(h.args());
        assertThat(m.matches()).as("HEALTHCHECK [--option=value ...] CMD [exec form]: %s", h.args()).isTrue();
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : m.group(1).strip().split("\\s+")) {
            if (!o.isEmpty()) {
                String[] kv = o.split("=", 2);
                options.put(kv[0], kv[1]);
            }
        }
        return new Healthcheck(options, Dockerfile.json(m.group(2)));
    }

    private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String xmlElement(String xml, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">\\s*([^<]*?)\\s*</" + Pattern.quote(name) + ">")
                .matcher(xml);
        assertThat(m.find()).as("<%s> in pom.xml", name).isTrue();
        return m.group(1);
    }

    /**
     * Whether .dockerignore leaves {@code path} out of the build context: the last matching pattern wins, a
     * pattern matches a path or anything under it, {@code *} matches within one path segment.
     */
    private static boolean ignored(List<String> patterns, String path) {
        String p = path.replaceFirst("^\\./", "").replaceFirst("/$", "");
        boolean ignored = false;
        for (String raw : patterns) {
            boolean keep = raw.startsWith("!");
            String pattern = (keep ? raw.substring(1) : raw).replaceFirst("^/", "").replaceFirst("/$", "");
            String regex = Pattern.quote(pattern).replace("*", "\\E[^/]*\\Q") + "(/.*)?";
            if (p.matches(regex)) {
                ignored = !keep;
            }
        }
        return ignored;
    }

    /** One instruction, continuation lines joined. */
    record Instruction(String keyword, String args, int line) {
        boolean isExecForm() {
            return args.startsWith("[");
        }

        List<String> json() {
            assertThat(isExecForm()).as("%s at line %d in exec (JSON) form", keyword, line).isTrue();
            return Dockerfile.json(args);
        }

        /** COPY/ADD words: --options first, then sources, then the destination. */
        private List<String> words() {
            if (isExecForm()) {
                return json();
            }
            List<String> words = new ArrayList<>(List.of(args.split("\\s+")));
            words.removeIf(w -> w.startsWith("--"));
            return words;
        }

        Map<String, String> copyOptions() {
            Map<String, String> options = new LinkedHashMap<>();
            for (String w : args.split("\\s+")) {
                if (w.startsWith("--")) {
                    String[] kv = w.split("=", 2);
                    options.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            return options;
        }

        List<String> copySources() {
            List<String> w = words();
            return w.subList(0, w.size() - 1).stream().map(s -> s.replaceFirst("^\\./", "").replaceFirst("/$", ""))
                    .toList();
        }

        String copyDestination() {
            List<String> w = words();
            return w.get(w.size() - 1);
        }
    }

    /** A build stage: FROM base [AS name] and its instructions. */
    record Stage(String base, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).collect(Collectors.toList());
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> all = all(keyword);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        /** The working directory in effect before instruction {@code index}. */
        String workdirAt(int index) {
            String dir = "/";
            for (Instruction i : instructions.subList(0, index)) {
                if (i.keyword().equals("WORKDIR")) {
                    dir = Dockerfile.resolve(dir, i.args().strip());
                }
            }
            return dir;
        }
    }

    static final class Dockerfile {
        private static final ObjectMapper JSON = new ObjectMapper();

        static List<Stage> parse(List<String> lines) {
            List<Stage> stages = new ArrayList<>();
            StringBuilder pending = null;
            int start = 0;
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending == null)) {
                    continue; // comments (also between continuation lines) and blank lines
                }
                if (pending == null) {
                    pending = new StringBuilder();
                    start = n + 1;
                }
                boolean continues = trimmed.endsWith("\\");
                pending.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
                if (continues) {
                    continue;
                }
                String text = pending.toString().strip();
                pending = null;
                String[] kw = text.split("\\s+", 2);
                Instruction i = new Instruction(kw[0].toUpperCase(Locale.ROOT), kw.length > 1 ? kw[1].strip() : "",
                        start);
                if (i.keyword().equals("FROM")) {
                    String[] from = i.args().split("\\s+");
                    List<String> words = new ArrayList<>(List.of(from));
                    words.removeIf(w -> w.startsWith("--"));
                    String name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
                    stages.add(new Stage(words.get(0), name, new ArrayList<>()));
                } else {
                    assertThat(stages).as("%s at line %d before any FROM", i.keyword(), start).isNotEmpty();
                    stages.get(stages.size() - 1).instructions().add(i);
                }
            }
            return stages;
        }

        static List<String> json(String text) {
            try {
                return JSON.readValue(text, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new AssertionError("not a JSON list of strings: " + text, e);
            }
        }

        static String resolve(String dir, String path) {
            String joined = path.startsWith("/") ? path : (dir.endsWith("/") ? dir : dir + "/") + path;
            return Path.of(joined).normalize().toString().replace('\\', '/');
        }

        /** Where a COPY puts the source whose file name is {@code fileName}, as an absolute path in the image. */
        static String copiedTo(Stage stage, Instruction copy, String fileName) {
            String dest = copy.copyDestination();
            String dir = stage.workdirAt(stage.instructions().indexOf(copy));
            boolean intoDirectory = dest.endsWith("/") || dest.equals(".") || copy.copySources().size() > 1;
            String resolved = resolve(dir, dest);
            return intoDirectory ? resolve(resolved, fileName) : resolved;
        }
    }
}
