package dev.otlprelay;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.otlprelay.cli.Main;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: the shared packages ({@code config}, {@code pipeline}, {@code telemetry}) depend on
 * nothing of ours, the stages ({@code receive}, {@code sample}, {@code export}, {@code admin}) do not know each
 * other or the command line, and only the composition root ({@link Relay}) and {@code cli} (with {@link Main})
 * tie them together, {@code cli} outermost: the root package is a slice like the others, so a cycle through it
 * is seen too.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.otlprelay";
    private static final List<String> STAGES = List.of("receive", "sample", "export", "admin");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // DO_NOT_INCLUDE_TESTS knows only .../target/test-classes; builds may use another directory
            // (-Drelay.buildDir=/tmp/x-target), whose tests are in /tmp/x-target/test-classes.
            .withImportOption(location -> !location.contains("/test-classes/"))
            .importPackages(ROOT);

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    private static void dependsOnNothingElseOfOurs(String name) {
        noClasses().that().resideInAPackage(pkg(name))
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAPackage(pkg(name)))))
                .because(name + " is shared by every stage, so it may not depend on any of them")
                .check(CLASSES);
    }

    private static void mustNotDependOn(String name, String... others) {
        String[] packages = java.util.Arrays.stream(others).map(ArchitectureTest::pkg).toArray(String[]::new);
        noClasses().that().resideInAPackage(pkg(name))
                .should().dependOnClassesThat(resideInAnyPackage(packages))
                .check(CLASSES);
    }

    @Test
    void importsTheRelaysClasses() {
        assertThat(CLASSES.stream().map(JavaClass::getName)).contains(Relay.class.getName(), Main.class.getName());
        assertThat(CLASSES.stream().map(JavaClass::getName)).noneMatch(n -> n.endsWith("Test"));
    }

    @Test
    void configDependsOnNoOtherPackageOfOurs() {
        dependsOnNothingElseOfOurs("config");
    }

    @Test
    void pipelineDependsOnNoOtherPackageOfOurs() {
        dependsOnNothingElseOfOurs("pipeline");
    }

    @Test
    void transportDependsOnNoOtherPackageOfOurs() {
        dependsOnNothingElseOfOurs("transport");
    }

    @Test
    void telemetryDependsOnNoOtherPackageOfOurs() {
        dependsOnNothingElseOfOurs("telemetry");
    }

    @Test
    void receiveDoesNotKnowTheLaterStagesTheAdminEndpointOrTheCommandLine() {
        mustNotDependOn("receive", "sample", "export", "admin", "cli");
    }

    @Test
    void sampleDoesNotKnowTheReceiversTheAdminEndpointOrTheCommandLine() {
        mustNotDependOn("sample", "receive", "admin", "cli");
    }

    @Test
    void exportDoesNotKnowTheEarlierStagesTheAdminEndpointOrTheCommandLine() {
        mustNotDependOn("export", "receive", "sample", "admin", "cli");
    }

    @Test
    void adminDoesNotKnowTheStagesOrTheCommandLine() {
        mustNotDependOn("admin", "receive", "sample", "export", "cli");
    }

    @Test
    void benchKnowsTheRelayOnlyByItsProtocolsAndItsAddressSyntax() {
        noClasses().that().resideInAPackage(pkg("bench"))
                .should().dependOnClassesThat(resideInAPackage(ROOT + "..")
                        .and(not(resideInAnyPackage(pkg("bench"), pkg("config"), pkg("transport")))))
                .because("the load generator and the sinks measure the relay from outside, as users run it (on the "
                        + "same socket transport)")
                .check(CLASSES);
    }

    @Test
    void onlyTheCompositionRootAndTheCommandLineTouchMoreThanOneStage() {
        classes().that(not(composition()))
                .should(touchAtMostOneStage())
                .check(CLASSES);
    }

    @Test
    void onlyTheCommandLineUsesTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackages(ROOT, pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(ROOT)
                .because("Relay and Main assemble the stages; a stage that reached back to them would be a cycle")
                .check(CLASSES);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theRootPackageIsInNoCycleAndDoesNotKnowTheCommandLine() {
        // slices() above names packages below the root only; the root (Relay) takes part here.
        slices().assignedFrom(new RootAndTopLevelPackages()).should().beFreeOfCycles().check(CLASSES);
        noClasses().that().resideInAPackage(ROOT).should().dependOnClassesThat().resideInAPackage(pkg("cli"))
                .because("cli is the outermost layer: it runs the Relay; the Relay does not reach back to it")
                .check(CLASSES);
    }

    /** Each class to its top-level package under the root, and the root package's own classes to "(root)". */
    private static final class RootAndTopLevelPackages
            implements com.tngtech.archunit.library.dependencies.SliceAssignment {
        @Override
        public com.tngtech.archunit.library.dependencies.SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (p.equals(ROOT)) {
                return com.tngtech.archunit.library.dependencies.SliceIdentifier.of("(root)");
            }
            if (p.startsWith(ROOT + ".")) {
                return com.tngtech.archunit.library.dependencies.SliceIdentifier.of(
                        p.substring(ROOT.length() + 1).split("\\.")[0]);
            }
            return com.tngtech.archunit.library.dependencies.SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the root package and each top-level package under it";
        }
    }

    @Test
    void noTwoTypesInMainCodeShareASimpleName() {
        // Nested types count: a reader meeting "Route" or "Result" should not have to ask which one.
        java.util.Map<String, List<String>> byName = CLASSES.stream()
                .filter(c -> !c.isAnonymousClass() && !c.getSimpleName().isEmpty()
                        && !c.getSimpleName().equals("package-info"))
                .collect(Collectors.groupingBy(JavaClass::getSimpleName, TreeMap::new,
                        Collectors.mapping(JavaClass::getName, Collectors.toList())));
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Object::toString))
                .as("simple names used by more than one type").isEmpty();
    }

    @Test
    void everyPackageHasAPackageInfo() {
        Set<String> packages = CLASSES.stream().map(JavaClass::getPackageName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(packages).contains(ROOT, ROOT + ".config", ROOT + ".receive");
        // javac writes package-info.class only for annotated packages, so the source tree is the reference.
        Path sources = Path.of("src/main/java").toAbsolutePath();
        assertThat(sources).isDirectory();
        assertThat(packages).allSatisfy(p -> assertThat(
                CLASSES.contain(p + ".package-info")
                        || Files.isRegularFile(sources.resolve(p.replace('.', '/')).resolve("package-info.java")))
                .as("package %s has a package-info.java", p).isTrue());
    }

    // ---- helpers ----

    /** Relay, Main (with their nested classes) and everything in cli. */
    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> composition() {
        return com.tngtech.archunit.base.DescribedPredicate.describe("the composition root (Relay, Main, cli..)",
                c -> {
                    String topLevel = c.getName().split("\\$", 2)[0];
                    return topLevel.equals(Relay.class.getName()) || topLevel.equals(Main.class.getName())
                            || c.getPackageName().equals(ROOT + ".cli") || c.getPackageName().startsWith(ROOT + ".cli.");
                });
    }

    private static Optional<String> stageOf(JavaClass c) {
        return STAGES.stream().filter(s -> c.getPackageName().equals(ROOT + "." + s)
                || c.getPackageName().startsWith(ROOT + "." + s + ".")).findFirst();
    }

    /** The class's own stage and the stages it depends on are at most one. */
    private static ArchCondition<JavaClass> touchAtMostOneStage() {
        return new ArchCondition<>("touch at most one of the stages " + STAGES) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                TreeMap<String, String> touched = new TreeMap<>();
                stageOf(c).ifPresent(s -> touched.put(s, "is in it"));
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    stageOf(d.getTargetClass()).ifPresent(s -> touched.putIfAbsent(s, d.getDescription()));
                }
                boolean ok = touched.size() <= 1;
                String message = c.getName() + " touches " + touched.size() + " stage(s) " + touched.keySet()
                        + (ok ? "" : ": " + touched);
                events.add(new SimpleConditionEvent(c, ok, message));
            }
        };
    }
}
