package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    /**
     * Jazzer's agent, attached to this JVM for the fuzz tests, logs each class it instruments on
     * stderr when the class is first loaded, which can happen while a test captures the CLI's
     * stderr (a line count of "one error line" then sees two). Only those lines are removed.
     */
    private static final java.util.regex.Pattern FUZZER_LOG =
            java.util.regex.Pattern.compile("(?m)^INFO: Instrumented \\S+ with custom hooks only \\(took \\d+ ms, size [+-]?\\d+%\\)\\R");

    static String withoutFuzzerLog(String err) {
        return FUZZER_LOG.matcher(err).replaceAll("");
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Main.execute(args);
            return new Result(code, out.toString(), withoutFuzzerLog(err.toString()));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void onlyTheFuzzerAgentsInstrumentationLinesAreDroppedFromCapturedStderr() {
        String err = "INFO: Instrumented org.cbd4j.data.IdxReader with custom hooks only (took 1 ms, size +9%)\n"
                + "cbd: error: /x/test_batch.bin: size 100 is not a positive multiple\n"
                + "INFO: Instrumented something else entirely\n";
        assertEquals("cbd: error: /x/test_batch.bin: size 100 is not a positive multiple\n"
                + "INFO: Instrumented something else entirely\n", withoutFuzzerLog(err));
    }

    @Test
    void trainHelpListsEveryContractOptionWithDefaults() {
        Result r = run("train", "--help");
        assertEquals(0, r.code());
        for (String opt : new String[] {"--dataset", "--data", "--limit-train", "--attack", "--poison-rate", "--target",
            "--all-to-all", "--defense", "--fb-epochs", "--epochs", "--no-mi", "--no-reweight", "--model",
            "--batch-size", "--lr", "--seed", "--out", "--abl-isolation-epochs", "--abl-isolation-ratio", "--abl-gamma",
            "--abl-unlearn-epochs", "--abl-unlearn-lr", "--expected-poison-rate", "--ac-dims", "--ac-threshold",
            "activation-clustering"}) {
            assertTrue(r.out().contains(opt), opt + " missing from help");
        }
        assertTrue(r.out().contains("Default: 0.1"), "defaults are shown");
    }

    @Test
    void listShowsEveryRegisteredMethodWithItsPaperAndOptions() {
        Result r = run("list");
        assertEquals(0, r.code(), r.err());
        for (var registry : java.util.List.of(org.cbd4j.attack.Attacks.REGISTRY, org.cbd4j.defense.Defenses.REGISTRY)) {
            for (org.cbd4j.method.Method<?> m : registry.methods()) {
                assertTrue(r.out().contains("\n  " + m.name() + " - "), m.name() + " missing from cbd list");
                assertTrue(m.paper().url().isEmpty() || r.out().contains(m.paper().url()), m.name() + "'s paper");
                for (org.cbd4j.method.Option<?> o : m.options()) {
                    assertTrue(r.out().contains("    " + o.flag()), o.flag() + " missing from cbd list");
                }
            }
        }
        assertTrue(r.out().contains("--blend-alpha (a number in (0, 1]; default 0.2)"), r.out());
    }

    @Test
    void trainAndPoisonHelpListEveryAttackOptionWithItsDefault() {
        for (String cmd : new String[] {"train", "poison"}) {
            Result r = run(cmd, "--help");
            assertEquals(0, r.code());
            for (String opt : new String[] {"--blend-alpha", "--blend-pattern", "--sig-delta", "--sig-frequency", "--wanet-k",
                "--wanet-s", "--wanet-grid-rescale", "--wanet-cross-ratio", "--helper-model", "--helper-epochs", "--trojan-size",
                "--trojan-steps", "--lc-eps", "--lc-step", "--lc-steps"}) {
                assertTrue(r.out().contains(opt), cmd + ": " + opt + " missing from help");
            }
            for (String name : new String[] {"badnets", "blend", "sig", "wanet", "trojan", "input-aware", "label-consistent"}) {
                assertTrue(r.out().contains(name), cmd + ": attack " + name + " missing from help");
            }
            assertTrue(r.out().contains("Default: 0.2") && r.out().contains("Default: 40"), cmd + " shows defaults");
        }
    }

    private void assertUsageError(Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void badArgumentsGiveExitCodeTwo() {
        String out = tmp.resolve("run").toString();
        assertUsageError(run("train", "--attack", "nonsense", "--out", out), "known: none, badnets");
        assertUsageError(run("train", "--poison-rate", "1.5", "--out", out), "--poison-rate");
        assertUsageError(run("train", "--model", "resnet9000", "--out", out), "unknown model");
        assertUsageError(run("train", "--defense", "magic", "--out", out), "unknown defense");
        assertUsageError(run("train", "--epochs", "zero", "--out", out), "--epochs");
        assertUsageError(run("train", "--dataset", "imagenet", "--out", out), "unknown dataset");
        assertUsageError(run("train", "--no-such-flag", "--out", out), "--no-such-flag");
        assertUsageError(run("train"), "--out");
        assertUsageError(run("train", "--defense", "magic", "--out", out), "known: none, cbd, abl, spectral, activation-clustering");
        assertUsageError(run("train", "--defense", "abl", "--abl-isolation-ratio", "1.5", "--out", out), "--abl-isolation-ratio");
        assertUsageError(run("train", "--defense", "abl", "--abl-unlearn-lr", "-1", "--out", out), "--abl-unlearn-lr");
        assertUsageError(run("train", "--defense", "spectral", "--expected-poison-rate", "0.8", "--out", out),
                "--expected-poison-rate");
        assertUsageError(run("train", "--defense", "activation-clustering", "--ac-dims", "0", "--out", out), "--ac-dims");
        assertFalse(Files.exists(tmp.resolve("run")), "nothing written for a bad command line");
    }

    @Test
    void zeroIsAnErrorNotTheDefaultAndModelsAreCheckedBeforeAnyWork() {
        // Review bugs: --lc-steps 0 ran 100 steps; wrn-15-1 failed only after loading and poisoning.
        String out = tmp.resolve("run").toString();
        for (String flag : new String[] {"--lc-steps", "--lc-eps", "--lc-step", "--trojan-steps", "--helper-epochs"}) {
            assertUsageError(run("train", "--attack", "label-consistent", flag, "0", "--out", out), flag + " must be");
        }
        assertUsageError(run("train", "--dataset", "folder", "--image-size", "0", "--out", out), "--image-size must be");
        assertUsageError(run("train", "--dataset", "folder", "--channels", "0", "--out", out), "--channels must be");
        Result r = run("train", "--dataset", "fashion-mnist", "--data", tmp.resolve("nowhere").toString(),
                "--model", "wrn-15-1", "--out", out);
        assertUsageError(r, "depth must be 6n+4");
        assertFalse(r.err().contains("loaded"), "refused before the data was touched: " + r.err());
        assertUsageError(run("train", "--model", "wrn-16-99999999999", "--out", out), "width");
        assertFalse(Files.exists(tmp.resolve("run")), "nothing written");
    }

    @Test
    void errorsAreOneLine() {
        Result r = run("train", "--attack", "nonsense", "--out", tmp.resolve("x").toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void targetOutsideClassesIsAUsageError() {
        Result r = run("train", "--dataset", "synthetic", "--attack", "badnets", "--target", "7", "--model", "tiny-cnn",
                "--out", tmp.resolve("t").toString());
        assertUsageError(r, "--target 7");
    }

    @Test
    void existingRunDirectoryIsRefusedWithoutForce() throws Exception {
        Path out = tmp.resolve("exists");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "x");
        Result r = run("train", "--dataset", "synthetic", "--model", "tiny-cnn", "--epochs", "1", "--out", out.toString());
        assertUsageError(r, "already exists");
        assertTrue(Files.exists(out.resolve("keep.txt")));
    }

    @Test
    void divergenceStopsWithOneLineNamingStageEpochAndBatch() {
        Path out = tmp.resolve("diverge");
        Result r = run("train", "--dataset", "synthetic", "--model", "tiny-cnn", "--defense", "none", "--epochs", "2",
                "--lr", "1e30", "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("diverged") && last.contains("stage train") && last.contains("epoch 1")
                && last.contains("batch"), last);
        assertFalse(Files.exists(out.resolve("summary.json")));
    }

    @Test
    void uncreatableOutputDirectoryIsOneLineAndExitOne() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Result r = run("train", "--dataset", "synthetic", "--model", "tiny-cnn", "--epochs", "1", "--out",
                file.resolve("run").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("cannot create run directory"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("cbd:")).count(), r.err());
    }

    @Test
    void resumeOfAMissingRunIsAUsageError() {
        assertUsageError(run("train", "--resume", tmp.resolve("nope").toString()), "config.json");
    }

    @Test
    void evalOfMissingRunIsAUsageError() {
        assertUsageError(run("eval", "--run", tmp.resolve("nope").toString()), "config.json");
    }
}
