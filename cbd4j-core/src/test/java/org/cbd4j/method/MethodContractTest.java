package org.cbd4j.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.cbd4j.attack.Attack;
import org.cbd4j.attack.AttackConfig;
import org.cbd4j.attack.Attacks;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.defense.Defense;
import org.cbd4j.defense.Defenses;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered attack and defense must do, checked for each one the registries list, so
 * a new method is covered by adding its registry line: its options round-trip through YAML,
 * every option refuses a bad value naming its flag, and a tiny run on generated data ends and
 * is the same twice with one seed.
 */
class MethodContractTest {

    @TempDir
    static Path tmp;

    private static String previousCache;

    @BeforeAll
    static void cacheInTemp() {
        previousCache = System.getProperty("cbd4j.cache");
        System.setProperty("cbd4j.cache", tmp.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        if (previousCache == null) {
            System.clearProperty("cbd4j.cache");
        } else {
            System.setProperty("cbd4j.cache", previousCache);
        }
    }

    static Stream<Method<?>> methods() {
        return Stream.concat(Attacks.REGISTRY.methods().stream(), Defenses.REGISTRY.methods().stream());
    }

    static Stream<Method<Attack>> attacks() {
        return Attacks.REGISTRY.methods().stream();
    }

    static Stream<Method<Defense>> defenses() {
        return Defenses.REGISTRY.methods().stream();
    }

    /** Small budgets for every option that costs time; only the method's own are used. */
    private static final Map<String, Object> FAST = Map.ofEntries(Map.entry("helper-model", "tiny-cnn"),
            Map.entry("helper-epochs", 1), Map.entry("trojan-steps", 5), Map.entry("lc-steps", 5),
            Map.entry("fb-max-epochs", 2), Map.entry("inversion-steps", 10), Map.entry("abl-isolation-epochs", 1),
            Map.entry("abl-unlearn-epochs", 1), Map.entry("fp-finetune-epochs", 1),
            Map.entry("nad-teacher-epochs", 1), Map.entry("nad-epochs", 1), Map.entry("mcr-endpoint-epochs", 1),
            Map.entry("mcr-epochs", 1), Map.entry("mcr-path-step", 0.5), Map.entry("dbd-pretrain-epochs", 1),
            Map.entry("dbd-head-epochs", 1), Map.entry("dbd-finetune-epochs", 1));

    private static Map<String, Object> fast(Method<?> m) {
        Map<String, Object> own = new HashMap<>();
        m.options().forEach(o -> {
            if (FAST.containsKey(o.name())) {
                own.put(o.name(), FAST.get(o.name()));
            }
        });
        return own;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void declaresANameASummaryAndOptionsWithHelp(Method<?> m) {
        assertTrue(m.name().matches("[a-z][a-z0-9-]*"), m.name());
        assertFalse(m.summary().isBlank(), m.name());
        assertTrue("none".equals(m.name()) || m.paper().url().startsWith("https://"), m.name() + " names its paper");
        for (Option<?> o : m.options()) {
            assertFalse(o.help().isBlank(), o.flag());
            assertEquals(o.defaultValue(), o.defaultValue() == null ? null : o.coerce(o.defaultValue()),
                    o.flag() + ": the default is a valid value");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void optionsRoundTripThroughYaml(Method<?> m) throws Exception {
        for (OptionValues v : new OptionValues[] {m.defaults(), m.values(fast(m))}) {
            String yaml = Json.yaml(v.toMap());
            JsonNode back = org.cbd4j.report.Json.MAPPER.valueToTree(
                    new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                            .readValue(yaml, Map.class));
            Map<String, Object> plain = new LinkedHashMap<>();
            back.fields().forEachRemaining(e -> plain.put(e.getKey(), scalar(e.getValue())));
            assertEquals(v, m.values(plain), m.name() + " through:\n" + yaml);
        }
    }

    private static Object scalar(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        return n.isNumber() ? n.doubleValue() : n.asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void everyOptionRefusesABadValueNamingItsFlag(Method<?> m) {
        for (Option<?> o : m.options()) {
            Object bad = o.isFlag() ? "perhaps" : o.type() == String.class ? " " : "many";
            var e = assertThrows(IllegalArgumentException.class, () -> m.values(Map.of(o.name(), bad)), o.flag());
            assertTrue(e.getMessage().startsWith(o.flag() + " must be "), e.getMessage());
            if (o.type() == Integer.class || o.type() == Double.class) {
                boolean refused = false;
                for (Object extreme : new Object[] {-1e9, 1e9, -1_000_000_000, 1_000_000_000}) {
                    try {
                        m.values(Map.of(o.name(), extreme));
                    } catch (IllegalArgumentException x) {
                        assertTrue(x.getMessage().startsWith(o.flag()), x.getMessage());
                        refused = true;
                    }
                }
                assertTrue(refused, o.flag() + " has a bounded range");
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> m.values(Map.of("no-such-option", 1)));
        assertTrue(e.getMessage().contains("--no-such-option"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void anAttackPoisonsGeneratedDataTheSameWayTwice(Method<Attack> m) {
        TrainTestSplit data = SyntheticImages.split(200, 40, 3);
        AttackConfig cfg = new AttackConfig(0.1, 1, false, 5);
        PoisonedData a = m.create(fast(m)).poison(data.train(), data.test(), cfg);
        PoisonedData b = m.create(fast(m)).poison(data.train(), data.test(), cfg);
        assertArrayEquals(a.poisonedIndices(), b.poisonedIndices(), m.name());
        assertArrayEquals(a.train().labels(), b.train().labels(), m.name());
        assertArrayEquals(a.train().pixels(), b.train().pixels(), m.name());
        assertEquals("none".equals(m.name()) ? 0 : 20, a.poisonedIndices().length, m.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defenses")
    void aDefenseRunsOnGeneratedDataTheSameWayTwice(Method<Defense> m) throws Exception {
        ExperimentResult[] r = new ExperimentResult[2];
        for (int k = 0; k < 2; k++) {
            ExperimentConfig.Builder b = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 400)
                    .optAttack("badnets").optDefense(m.name()).optModel("tiny-cnn").optEpochs(2).optBatchSize(32)
                    .optSeed(3).optOut(tmp.resolve(m.name() + "-" + k));
            fast(m).forEach(b::opt);
            r[k] = Experiment.run(b.build());
        }
        assertTrue(Files.isRegularFile(r[0].runDirectory().resolve("summary.json")), m.name());
        assertTrue(r[0].ca() > 0, m.name() + " CA " + r[0].ca());
        assertEquals(r[0].ca(), r[1].ca(), m.name() + ": same seed, same CA");
        assertEquals(r[0].asr(), r[1].asr(), m.name() + ": same seed, same ASR");
        if (r[0].suspicion() != null) {
            assertArrayEquals(r[0].suspicion(), r[1].suspicion(), m.name() + ": same suspicion scores");
        }
    }
}
