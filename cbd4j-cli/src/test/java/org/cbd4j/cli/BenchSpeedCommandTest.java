package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-speed prints the machine, cbd4j's figure, each yardstick layout and the ratio to the best one. */
class BenchSpeedCommandTest {

    @TempDir
    Path tmp;

    /** A stand-in for python3: imports torch, then reports 400 img/s NCHW and 500 channels-last. */
    private Path fakePython() throws Exception {
        Path exe = tmp.resolve("fakepython");
        Files.writeString(exe, """
                #!/bin/sh
                if [ "$1" = "-c" ]; then exit 0; fi
                case "$*" in *--channels-last*) L=channels-last; R=500.0;; *) L=nchw; R=400.0;; esac
                case "$*" in *"--precision fp32"*) P=fp32;; *) P=unnamed;; esac
                echo "pytorch fake $L $P: $R img/s"
                echo "{\\"tool\\": \\"pytorch\\", \\"version\\": \\"fake\\", \\"layout\\": \\"$L\\", \\"img_per_s\\": $R}"
                """);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        return exe;
    }

    @Test
    void theRatioIsTakenAgainstTheYardsticksFasterLayout() throws Exception {
        CliTest.Result r = CliTest.run("bench-speed", "--model", "wrn-16-1", "--images", "64", "--batch-size", "16",
                "--channels", "1", "--size", "8", "--mode", "eval", "--python", fakePython().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("machine: ") && r.out().contains(" cores, ISA "), r.out());
        assertTrue(r.out().contains("pytorch fake nchw fp32: 400.0") && r.out().contains("pytorch fake channels-last fp32: 500.0"), r.out());
        Matcher ours = Pattern.compile("cbd4j eval wrn-16-1 1x8x8 batch 16 channels-last fp32: ([0-9.]+) img/s").matcher(r.out());
        assertTrue(ours.find(), r.out());
        Matcher ratio = Pattern.compile("ratio cbd4j / pytorch-python \\(best layout, channels-last\\): ([0-9.]+)x")
                .matcher(r.out());
        assertTrue(ratio.find(), r.out());
        assertEquals(Double.parseDouble(ours.group(1)) / 500.0, Double.parseDouble(ratio.group(1)), 0.006);
    }

    /** The f_C epoch is timed from the start of its own pass, not from the end of f_B's epoch. */
    @Test
    void cbdModeTimesTheStagesAndWhatLiesBetweenThemApart() {
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.run("bench-speed", "--model", "tiny-cnn", "--images", "128", "--batch-size", "32",
                "--channels", "1", "--size", "8", "--mode", "cbd");
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("f_B epoch ([0-9.]+) s, between the stages \\(f_B's loss pass, capture tests\\) "
                + "([0-9.]+) s, f_C epoch \\(one pass of f_C and the MI critic\\) ([0-9.]+) s").matcher(r.out());
        assertTrue(m.find(), r.out());
        double sum = 0;
        for (int g = 1; g <= 3; g++) {
            double v = Double.parseDouble(m.group(g));
            assertTrue(v >= 0 && v < wall, m.group(0)); // an unset mark prints a negative or huge figure
            sum += v;
        }
        assertTrue(sum < wall, m.group(0) + " in " + wall + " s");
    }

    @Test
    void withoutPythonOnlyCbd4jsFigureIsPrintedAndABadExecutableIsOneLine() {
        CliTest.Result r = CliTest.run("bench-speed", "--model", "tiny-cnn", "--images", "64", "--batch-size", "16",
                "--channels", "1", "--size", "8", "--python", "off");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cbd4j train tiny-cnn 1x8x8 batch 16 channels-last fp32, nesterov: "), r.out());
        assertTrue(!r.out().contains("ratio"), r.out());
        CliTest.Result bad = CliTest.run("bench-speed", "--images", "64", "--python", tmp.resolve("nope").toString());
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("--python"), bad.err());
        CliTest.Result fp16 = CliTest.run("bench-speed", "--images", "64", "--python", "off", "--precision", "fp16");
        assertEquals(2, fp16.code(), fp16.err());
        assertEquals("cbd: error: --precision 'fp16': expected fp32 or bf16", fp16.err().strip());
    }

    @Test
    void profileWritesTheTraceAndPrintsTheOperatorsBySelfTime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path prof = dir.resolve("prof");
        CliTest.Result r = CliTest.run("bench-speed", "--model", "tiny-cnn", "--images", "64", "--batch-size", "16",
                "--channels", "1", "--size", "8", "--python", "off", "--profile", prof.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(java.nio.file.Files.size(prof.resolve("cbd4j-train.json")) > 0);
        assertTrue(r.out().contains("profile of cbd4j (" + prof.resolve("cbd4j-train.json") + ")"), r.out());
        // A training step runs convolutions forward and backward; the table must show them by name.
        assertTrue(r.out().contains("| aten::convolution_backward |") && r.out().contains("| all operators |"), r.out());
    }
}
