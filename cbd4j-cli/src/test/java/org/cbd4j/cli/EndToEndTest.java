package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One small CBD run on generated images with an obvious trigger, through the real CLI: f_B must
 * learn the trigger and the poisoned samples must end with clearly lower weights than clean ones.
 */
class EndToEndTest {

    @TempDir
    static Path tmp;

    static Path run;
    static int code;

    @BeforeAll
    static void train() {
        run = tmp.resolve("cbd");
        code = CliTest.run("train", "--dataset", "synthetic", "--attack", "badnets", "--poison-rate", "0.1",
                "--defense", "cbd", "--epochs", "3", "--model", "tiny-cnn", "--batch-size", "32",
                "--lr", "0.05", "--seed", "1", "--out", run.toString()).code();
    }

    @Test
    void runDirectoryHoldsEveryArtifact() throws Exception {
        assertEquals(0, code);
        for (String f : List.of("config.json", "metrics.csv", "summary.json", "poisoned_indices.csv",
                "sample_scores.csv", "models/f_C-0000.params", "models/f_B-0000.params")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        JsonNode s = Json.read(run.resolve("summary.json"));
        for (String k : List.of("ca", "asr", "ra", "detection_auroc", "wall_seconds", "config")) {
            assertNotNull(s.get(k), k);
        }
        assertEquals("cbd", s.get("config").get("defense").get("defense").asText());
        JsonNode cfg = Json.read(run.resolve("config.json"));
        assertEquals(1, cfg.get("seed").asLong());
        assertTrue(cfg.get("commandLine").asText().startsWith("cbd train --dataset synthetic --attack badnets"),
                cfg.get("commandLine").asText());
        assertEquals("synthetic", cfg.get("data").get("dataset").asText());
        // The f_B epochs stage 1 chose (automatic T_B, the default) + 3 f_C epochs + header.
        int fbEpochs = s.get("defense_report").get("fb_epochs").asInt();
        assertTrue(fbEpochs >= 2 && fbEpochs <= 8, "f_B epochs " + fbEpochs);
        assertEquals(fbEpochs + 3 + 1, Files.readAllLines(run.resolve("metrics.csv")).size());
        assertEquals(201, Files.readAllLines(run.resolve("poisoned_indices.csv")).size());
    }

    @Test
    void fbLearnsTheTriggerAndPoisonedSamplesGetLowWeights() throws Exception {
        JsonNode s = Json.read(run.resolve("summary.json"));
        assertTrue(s.get("fb_asr").asDouble() >= 80, "f_B ASR " + s.get("fb_asr"));
        List<String> rows = Files.readAllLines(run.resolve("sample_scores.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int poisonedCol = header.indexOf("poisoned");
        int weightCol = header.indexOf("weight");
        double[] sum = new double[2];
        int[] n = new int[2];
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            int k = Integer.parseInt(f[poisonedCol]);
            sum[k] += Double.parseDouble(f[weightCol]);
            n[k]++;
        }
        double poisoned = sum[1] / n[1];
        double clean = sum[0] / n[0];
        assertTrue(poisoned < 0.5 * clean, "mean weight poisoned " + poisoned + " vs clean " + clean);
        assertTrue(s.get("detection_auroc").asDouble() > 0.8, "AUROC " + s.get("detection_auroc"));
    }

    @Test
    void evalReproducesTheSummaryFromTheSavedModel() throws Exception {
        CliTest.Result r = CliTest.run("eval", "--run", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode e = Json.MAPPER.readTree(r.out());
        JsonNode s = Json.read(run.resolve("summary.json"));
        assertEquals(s.get("ca").asDouble(), e.get("ca").asDouble(), 1e-6);
        assertEquals(s.get("asr").asDouble(), e.get("asr").asDouble(), 1e-6);
    }
}
