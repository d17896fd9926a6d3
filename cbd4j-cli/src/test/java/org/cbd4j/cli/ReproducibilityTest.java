package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cbd4j.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same config and seed → identical metrics and bit-identical parameters on CPU, across processes:
 * the first run is configured from a file inside this JVM, the second is started as a separate
 * process from the first run's resolved run-config.yaml.
 */
class ReproducibilityTest {

    @TempDir
    Path tmp;

    /** Every parameter of a saved model, as raw bytes in parameter order. */
    static byte[] parameterBytes(Path run, String name) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Network n = Network.load(run.resolve("models"), name, "tiny-cnn", 4, 1, 16, 16)) {
            for (Pair<String, Parameter> p : n.block().getParameters()) {
                all.write(p.getValue().getArray().toByteArray());
            }
        }
        return all.toByteArray();
    }

    @Test
    void aRunReproducedFromItsResolvedConfigIsIdentical() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("run.yaml"), String.join("\n", "dataset: synthetic", "attack: badnets",
                "defense: cbd", "fb-epochs: 1", "epochs: 2", "model: tiny-cnn", "batch-size: 32", "lr: 0.05", "seed: 8", ""));
        Path a = tmp.resolve("a");
        CliTest.Result r = CliTest.run("train", "--config", cfg.toString(), "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        Path resolved = a.resolve("run-config.yaml");
        assertTrue(Files.readString(resolved).contains("seed: 8"), Files.readString(resolved));

        Path b = tmp.resolve("b");
        Process p = new ProcessBuilder(CbdProcess.command("train", "--config", resolved.toString(), "--out", b.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("b.log").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("b.log")));

        assertEquals(CbdProcess.metricsWithoutTime(a), CbdProcess.metricsWithoutTime(b));
        assertArrayEquals(parameterBytes(a, "f_C"), parameterBytes(b, "f_C"));
        assertArrayEquals(parameterBytes(a, "f_B"), parameterBytes(b, "f_B"));
        assertEquals(Files.readString(a.resolve("sample_scores.csv")), Files.readString(b.resolve("sample_scores.csv")));
        assertEquals(Files.readString(a.resolve("poisoned_indices.csv")), Files.readString(b.resolve("poisoned_indices.csv")));
        for (String f : new String[] {"embeddings.csv", "confusion.csv"}) {
            assertEquals(Files.readString(a.resolve(f)), Files.readString(b.resolve(f)), f);
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("preview.png")), Files.readAllBytes(b.resolve("preview.png")));
    }
}
