package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentListenerTest {

    @TempDir
    Path tmp;

    @Test
    void progressAndEpochMetricsGoToTheListenerAndNotToStderr() throws Exception {
        List<String> lines = new ArrayList<>();
        List<ExperimentListener.EpochMetrics> epochs = new ArrayList<>();
        ExperimentListener collect = new ExperimentListener() {
            @Override
            public void message(String line) {
                lines.add(line);
            }

            @Override
            public void epochEnd(EpochMetrics m) {
                epochs.add(m);
            }
        };
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 400)
                .optAttack("badnets").optDefense("cbd").opt("fb-max-epochs", 2).opt("inversion-steps", 10)
                .optModel("tiny-cnn").optEpochs(2).optBatchSize(32).optSeed(2).optOut(tmp.resolve("run")).build();
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExperimentResult r;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            r = Experiment.run(cfg, Experiment.Mode.NEW, null, collect, "test");
        } finally {
            System.setErr(oldErr);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertFalse(stderr.contains("cbd4j:") || stderr.contains("epoch"), "nothing of the run on stderr:\n" + stderr);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cbd4j: loaded synthetic")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cbd4j: f_B capture check")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("f_C epoch 2/2") && l.contains("ETA")), "progress lines");
        List<String> rows = Files.readAllLines(r.runDirectory().resolve("metrics.csv"));
        assertEquals(rows.size() - 1, epochs.size(), "one call per metrics.csv row");
        ExperimentListener.EpochMetrics last = epochs.get(epochs.size() - 1);
        assertEquals("f_C", last.stage());
        assertEquals(1, last.epoch());
        assertEquals(r.ca(), last.ca(), 1e-9, "the final epoch's CA is the result's");
    }
}
