package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cbd4j.model.Network;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs training with its output directory on a tiny tmpfs that fills up at different moments
 * (before the first checkpoint, inside checkpoints, while saving models and scores). Each time the
 * run must stop with one error line naming the file, leave no temporary or partial file that
 * looks complete, and be resumable to the same result once there is space again.
 *
 * <p>The tmpfs is mounted inside a private user and mount namespace ({@code unshare -Urm}), so
 * neither root nor a mount visible to the rest of the machine is needed.
 */
class FullDiskTest {

    @TempDir
    Path tmp;

    static final String[] TRAIN = {"train", "--dataset", "synthetic", "--attack", "badnets", "--defense", "cbd",
        "--fb-epochs", "1", "--epochs", "2", "--model", "tiny-cnn", "--batch-size", "32", "--lr", "0.05", "--seed", "5"};

    /** Exit code the wrapper uses when it cannot mount (no namespaces here): the test is skipped. */
    static final int NO_MOUNT = 97;

    private static final String WRAPPER = "mnt=$1; copy=$2; log=$3; shift 3; "
            + "mount -t tmpfs -o size=$SIZE tmpfs \"$mnt\" || exit " + NO_MOUNT + "; "
            + "\"$@\" >\"$log\" 2>&1; rc=$?; cp -r \"$mnt/.\" \"$copy/\"; exit $rc";

    /** Runs cbd with --out on a tmpfs of {@code kib} KiB; the directory's contents end up in {@code copy}. */
    private int runOnTinyDisk(int kib, Path copy, Path log) throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt-" + kib));
        Files.createDirectories(copy);
        List<String> cmd = new ArrayList<>(List.of("unshare", "-Urm", "sh", "-c", WRAPPER, "sh",
                mnt.toString(), copy.toString(), log.toString()));
        cmd.addAll(CbdProcess.command(CbdProcess.concat(TRAIN, "--out", mnt.resolve("run").toString())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("wrapper.txt").toFile());
        pb.environment().put("SIZE", kib + "k");
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            Assumptions.abort("unshare is not available: " + e.getMessage());
            return -1;
        }
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "process finished");
        return p.exitValue();
    }

    /**
     * Why a tmpfs cannot be mounted in a private user namespace here, or null when it can. Run
     * once before the test: where {@code unshare} exists but user namespaces are forbidden (the
     * usual container setup) {@code unshare} itself fails with "Operation not permitted", before
     * the wrapper could report {@link #NO_MOUNT}.
     */
    static String tmpfsUnavailable(String unshare, Path dir) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(unshare, "-Urm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs \"$0\"", dir.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return unshare + " cannot be started: " + e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return unshare + " did not finish";
        }
        return p.exitValue() == 0 ? null : unshare + " -Urm + mount failed (exit " + p.exitValue() + "): " + out;
    }

    @Test
    void theProbeReportsWhyNoTmpfsCanBeMounted() throws Exception {
        assertTrue(tmpfsUnavailable("false", tmp).contains("exit 1"), "a failing unshare is reported");
        assertTrue(tmpfsUnavailable(tmp.resolve("no-such-unshare").toString(), tmp).contains("cannot be started"));
    }

    private int run(String... args) throws Exception {
        Process p = new ProcessBuilder(CbdProcess.command(args)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log-" + System.nanoTime() + ".txt").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "process finished");
        return p.exitValue();
    }

    @Test
    void aFullDiskStopsCleanlyAndTheRunResumesToTheSameResult() throws Exception {
        String unavailable = tmpfsUnavailable("unshare", Files.createDirectories(tmp.resolve("probe")));
        Assumptions.assumeTrue(unavailable == null, () -> "skipped: no tmpfs in a user namespace here: " + unavailable);
        Path ref = tmp.resolve("ref");
        assertEquals(0, run(CbdProcess.concat(TRAIN, "--out", ref.toString())));
        List<String> expected = CbdProcess.metricsWithoutTime(ref);

        // 12 KiB: config only; 60 KiB: inside the f_B checkpoint; 180 KiB: inside an f_C checkpoint;
        // 330 KiB: after the last checkpoint, while models and per-sample scores are written.
        List<String> failedFiles = new ArrayList<>();
        for (int kib : new int[] {12, 60, 180, 330}) {
            Path copy = tmp.resolve("copy-" + kib);
            Path log = tmp.resolve("log-" + kib + ".txt");
            int rc = runOnTinyDisk(kib, copy, log);
            Assumptions.assumeTrue(rc != NO_MOUNT, "cannot mount a tmpfs in a user namespace here");
            String out = Files.readString(log);
            assertEquals(1, rc, kib + " KiB: exit code; output:\n" + out);
            List<String> errors = out.lines().filter(l -> l.startsWith("cbd: error: ")).toList();
            assertEquals(1, errors.size(), kib + " KiB: one error line; output:\n" + out);
            assertTrue(errors.get(0).contains("No space left on device"), errors.get(0));
            assertTrue(errors.get(0).contains("/run/"), "error names the file: " + errors.get(0));
            assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
            failedFiles.add(errors.get(0));

            Path run = copy.resolve("run");
            try (Stream<Path> files = Files.walk(run)) {
                List<Path> hidden = files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
                assertEquals(List.of(), hidden, kib + " KiB: no temporary files left behind");
            }
            Path models = run.resolve("models");
            if (Files.isDirectory(models)) {
                try (Stream<Path> files = Files.list(models)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".params")).toList()) {
                        String name = f.getFileName().toString().replaceAll("-\\d+\\.params$", "");
                        try (Network n = Network.load(models, name, "tiny-cnn", 4, 1, 16, 16)) {
                            assertTrue(n.block().isInitialized(), "model " + f + " loads");
                        }
                    }
                }
            }
            if (Files.exists(run.resolve("config.json"))) {
                assertEquals(0, run("train", "--resume", run.toString()), kib + " KiB: resume after freeing space");
                assertEquals(expected, CbdProcess.metricsWithoutTime(run), kib + " KiB: resumed metrics after " + errors.get(0));
            }
        }
        assertEquals(failedFiles.size(), failedFiles.stream().distinct().count(),
                "each size fails at a different file: " + failedFiles);
    }
}
