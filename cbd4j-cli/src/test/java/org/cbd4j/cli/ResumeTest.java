package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cbd4j.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills real training processes with SIGKILL in the middle of an epoch and in the middle of a
 * checkpoint write, resumes them, and checks that the result equals an uninterrupted run.
 */
class ResumeTest {

    @TempDir
    Path tmp;

    static final String[] TRAIN = {"train", "--dataset", "synthetic", "--attack", "badnets", "--defense", "cbd",
        "--fb-epochs", "2", "--epochs", "3", "--model", "tiny-cnn", "--batch-size", "32", "--lr", "0.05", "--seed", "3"};

    private Process start(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(CbdProcess.command(args)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log-" + System.nanoTime() + ".txt").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private int runToEnd(String... args) throws Exception {
        Process p = start(Map.of(), args);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "process finished");
        return p.exitValue();
    }

    /** Starts a run that pauses at {@code point}, waits for the pause, and kills it with SIGKILL. */
    private void killAt(String point, String... args) throws Exception {
        Path marker = tmp.resolve("marker-" + System.nanoTime());
        Process p = start(Map.of("CBD4J_TEST_PAUSE", point, "CBD4J_TEST_MARKER", marker.toString()), args);
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.exists(marker)) {
            assertTrue(p.isAlive(), "process died before reaching " + point);
            assertTrue(System.currentTimeMillis() < deadline, "pause point " + point + " reached in time");
            Thread.sleep(100);
        }
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        assertFalse(p.isAlive());
    }

    private static String[] with(String... extra) {
        return CbdProcess.concat(TRAIN, extra);
    }

    private static List<String> metrics(Path run) throws Exception {
        return CbdProcess.metricsWithoutTime(run);
    }

    private static float[] params(Path run, String name) throws Exception {
        try (Network n = Network.load(run.resolve("models"), name, "tiny-cnn", 4, 1, 16, 16)) {
            List<Float> all = new ArrayList<>();
            for (Pair<String, Parameter> p : n.block().getParameters()) {
                for (float f : p.getValue().getArray().toFloatArray()) {
                    all.add(f);
                }
            }
            float[] a = new float[all.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = all.get(i);
            }
            return a;
        }
    }

    @Test
    void killedRunsResumeToTheSameResultAsAnUninterruptedRun() throws Exception {
        Path ref = tmp.resolve("ref");
        assertEquals(0, runToEnd(with("--out", ref.toString())));

        Path run = tmp.resolve("run");
        killAt("batch:f_B:2:10", with("--out", run.toString()));
        assertFalse(Files.exists(run.resolve("summary.json")));
        killAt("checkpoint:f_C:2", "train", "--resume", run.toString());
        killAt("batch:f_C:3:3", "train", "--resume", run.toString());
        assertEquals(0, runToEnd("train", "--resume", run.toString()));

        assertEquals(metrics(ref), metrics(run));
        assertArrayEquals(params(ref, "f_C"), params(run, "f_C"));
        assertArrayEquals(params(ref, "f_B"), params(run, "f_B"));
        assertEquals(Files.readString(ref.resolve("sample_scores.csv")), Files.readString(run.resolve("sample_scores.csv")));

        // Resuming a finished run says so and succeeds without touching it.
        long before = Files.getLastModifiedTime(run.resolve("summary.json")).toMillis();
        assertEquals(0, runToEnd("train", "--resume", run.toString()));
        assertEquals(before, Files.getLastModifiedTime(run.resolve("summary.json")).toMillis());
        assertTrue(new File(run.resolve("checkpoints").toString()).isDirectory());
    }
}
