package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cbd4j.model.ComputeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device} on this GPU-less machine: gpu is one usage line before any work, cpu and auto train. */
class DeviceFlagTest {

    @TempDir
    Path tmp;

    @AfterEach
    void backToTheDefault() {
        ComputeDevice.use((ai.djl.Device) null);
    }

    @Test
    void aGpuOnAMachineWithoutOneIsOneUsageLineAndNothingIsWritten() {
        Path out = tmp.resolve("out");
        String o = out.toString();
        String[][] commands = {
            {"train", "--dataset", "synthetic", "--out", o},
            {"quickstart", "--out", o},
            {"bench", "--grid", tmp.resolve("g.yaml").toString(), "--out", o},
            {"eval", "--run", o},
            {"predict", "--run", o, "--images", o},
            {"audit", "--dataset", "synthetic", "--out", o},
            {"bench-speed", "--images", "64"},
        };
        for (String[] args : commands) {
            String[] withGpu = java.util.stream.Stream.concat(java.util.stream.Stream.of(args[0], "--device", "gpu"),
                    java.util.Arrays.stream(args, 1, args.length)).toArray(String[]::new);
            CliTest.Result r = CliTest.run(withGpu);
            assertEquals(2, r.code(), args[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), args[0] + ": " + r.err());
            assertTrue(r.err().contains("--device gpu") && r.err().contains("sees no GPU"), r.err());
            assertFalse(Files.exists(out), args[0] + " wrote " + out);
        }
        CliTest.Result speed = CliTest.run("bench-speed", "--device", "gpu:1", "--images", "64");
        assertEquals(2, speed.code(), speed.err());
        assertTrue(speed.err().contains("--device gpu:1"), speed.err());
        CliTest.Result bad = CliTest.run("train", "--device", "tpu", "--out", tmp.resolve("t").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--device 'tpu'"), bad.err());
    }

    @Test
    void aCpuRunRecordsItsDeviceInTheProvenance() throws Exception {
        Path out = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--device", "cpu", "--dataset", "synthetic", "--model", "tiny-cnn",
                "--defense", "none", "--epochs", "1", "--limit-train", "256", "--batch-size", "64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"device\" : \"cpu()\""), config);
    }
}
