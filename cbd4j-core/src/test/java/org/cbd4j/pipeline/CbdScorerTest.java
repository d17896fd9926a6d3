package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.data.DataOptions;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved f_B and f_C of a finished {@code cbd train --defense cbd} run score images without
 * training, and give the suspicion the run wrote into its {@code sample_scores.csv}.
 */
class CbdScorerTest {

    @TempDir
    static Path tmp;

    static Path data;
    static Path run;
    /** The run's suspicion per training file, from sample_scores.csv. */
    static Map<String, Double> written = new LinkedHashMap<>();

    @BeforeAll
    static void train() throws Exception {
        data = tmp.resolve("images");
        PlantedFolder.write(data, 400, 40, 9, false);
        run = tmp.resolve("run");
        Experiment.run(ExperimentConfig.builder().optDataset("folder").optDataDir(data).optImageSize(16).optChannels(1)
                .optDefense("cbd").optModel("tiny-cnn").optEpochs(1).opt("fb-max-epochs", 2).opt("inversion-steps", 20)
                .optBatchSize(32).opt("lr", 0.1).opt("no-flip", true).optSeed(3).optOut(run).build());
        List<String> lines = Files.readAllLines(run.resolve("sample_scores.csv"));
        List<String> head = List.of(lines.get(0).split(","));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            written.put(f[head.indexOf("source")], Double.parseDouble(f[head.indexOf("suspicion")]));
        }
    }

    /** The run's training split, loaded again as the run loaded it. */
    private static ImageDataset trainingImages() throws Exception {
        return DatasetResolver.defaults().load("folder", data, 3, new DataOptions(16, 1, false)).train();
    }

    private static void assertClose(double expected, double actual, String what) {
        // sample_scores.csv keeps 6 significant digits.
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void scoresEqualTheFinishedRunsSuspicion() throws Exception {
        ImageDataset train = trainingImages();
        assertEquals(written.keySet().stream().toList(), List.of(train.sources()), "the same images in the same order");
        try (CbdScorer scorer = CbdScorer.load(run)) {
            float[] s = scorer.score(train);
            assertEquals(train.size(), s.length);
            double spread = 0;
            for (int i = 0; i < s.length; i++) {
                assertClose(written.get(train.source(i)), s[i], train.source(i));
                spread = Math.max(spread, Math.abs(s[i] - s[0]));
            }
            assertTrue(spread > 0.1, "the scores differ between images (not a constant): " + spread);

            // A batch at a time (a partition) gives each image the same score as the whole set.
            int half = train.size() / 2;
            int[] first = java.util.stream.IntStream.range(0, half).toArray();
            int[] second = java.util.stream.IntStream.range(half, train.size()).toArray();
            float[] a = scorer.score(train.select(first));
            float[] b = scorer.score(train.select(second));
            for (int i = 0; i < train.size(); i++) {
                assertEquals(s[i], i < half ? a[i] : b[i - half], 1e-6, "image " + i + " scored in a partition");
            }
            assertEquals(64, scorer.modelHashes().get("f_B-0000.params").length());
        }
    }

    @Test
    void auditWithRunScoresTheWholeFolderWithoutTraining() throws Exception {
        Path out = tmp.resolve("audit");
        AuditResult r = Audit.run(AuditConfig.builder().optDataset("folder").optDataDir(data).optImageSize(16)
                .optChannels(1).optRun(run).optOut(out).build());
        assertEquals(400, r.labels().length, "the whole folder, also the images the run held out for testing");
        int compared = 0;
        for (int i = 0; i < r.labels().length; i++) {
            Double w = written.get(r.sources()[i]);
            if (w != null) {
                assertClose(w, r.suspicion()[i], r.sources()[i]);
                compared++;
            }
        }
        assertEquals(written.size(), compared);
        assertFalse(Files.exists(out.resolve("models")), "nothing trained, nothing saved");
        assertFalse(Files.exists(out.resolve("checkpoints")));
        JsonNode s = Json.read(out.resolve("summary.json"));
        assertEquals(run.toAbsolutePath().normalize().toString(), s.get("defense_report").get("scored_with").asText());
        assertFalse(s.has("fc_epochs"));
        boolean[] again = org.cbd4j.defense.CbdScores.flagged(r.lossB(), r.lossC());
        assertTrue(Arrays.equals(again, r.flagged()), "flagged by CBD's rule over the audited set");
    }

    @Test
    void imagesOfAnotherShapeAreRefusedInOneLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> Audit.run(AuditConfig.builder().optDataset("folder")
                .optDataDir(data).optImageSize(8).optChannels(1).optRun(run).optOut(tmp.resolve("wrong")).build()));
        assertEquals("the images are 1x8x8 with 4 classes; the run's models take 1x16x16 with 4 classes "
                + "(pass --image-size 16 --channels 1)", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("wrong")), "refused before anything was written");
        var missing = assertThrows(IllegalArgumentException.class, () -> CbdScorer.load(tmp.resolve("images")));
        assertTrue(missing.getMessage().contains("has no saved f_B"), missing.getMessage());
    }
}
