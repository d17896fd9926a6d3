package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentListener;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.Json;
import org.cbd4j.report.MetricsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAD's attention map and distance on hand-made activations, and a whole run on generated data. */
class NeuralAttentionDistillationTest {

    @TempDir
    Path tmp;

    /**
     * One image, two channels of 2x2 (row-major): channel 0 = [1, -2, 0, 3], channel 1 = [1, 0, 2, -1].
     * Squared: [1, 4, 0, 9] and [1, 0, 4, 1]; their channel mean is [1, 2, 2, 5].
     */
    private static final float[] FEATURES = {1, -2, 0, 3, 1, 0, 2, -1};

    @Test
    void theAttentionMapIsTheChannelMeanOfThePowerOfTheMagnitudes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = m.create(FEATURES, new Shape(1, 2, 2, 2));
            NDArray a = NeuralAttentionDistillation.attentionMap(f, 2f);
            assertEquals(new Shape(1, 4), a.getShape(), "one flat map per image");
            assertArrayEquals(new float[] {1, 2, 2, 5}, a.toFloatArray(), 1e-6f);
            // p = 1: the channel mean of |F| = [(1+1)/2, (2+0)/2, (0+2)/2, (3+1)/2].
            assertArrayEquals(new float[] {1, 1, 1, 2}, NeuralAttentionDistillation.attentionMap(f, 1f).toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void theDistanceIsThatOfTheNormalisedMapsAveragedOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Image 0: the student's map is [1, 2, 2, 5], of norm sqrt(34); the teacher has 2 in the
            // first pixel of channel 0 and zeros elsewhere, map [2, 0, 0, 0], normalised [1, 0, 0, 0].
            // For unit vectors ||u - v||^2 = 2 - 2 u.v, and u.v = 1 / sqrt(34).
            // Image 1: teacher = student, distance 0. The batch mean halves image 0's distance.
            float[] teacher0 = {2, 0, 0, 0, 0, 0, 0, 0};
            NDArray s = m.create(concat(FEATURES, FEATURES), new Shape(2, 2, 2, 2));
            NDArray t = m.create(concat(teacher0, FEATURES), new Shape(2, 2, 2, 2));
            double l2 = Math.sqrt(2 - 2 / Math.sqrt(34)) / 2;
            assertEquals(l2, NeuralAttentionDistillation.distillationLoss(s, t, 2f, false).getFloat(), 1e-6);
            // The authors' mean square over batch and pixels: (2 - 2/sqrt(34)) over 4 pixels, plus 0, over 2 images.
            double mse = (2 - 2 / Math.sqrt(34)) / 4 / 2;
            assertEquals(mse, NeuralAttentionDistillation.distillationLoss(s, t, 2f, true).getFloat(), 1e-6);
            // Scaling the student's features by 3 scales its map by 9 and leaves its normalised map alone.
            assertEquals(l2, NeuralAttentionDistillation.distillationLoss(s.mul(3), t, 2f, false).getFloat(), 1e-6);
        }
    }

    @Test
    void identicalMapsCostNothingAndGiveAZeroNotANanGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(FEATURES, new Shape(1, 2, 2, 2));
            s.setRequiresGradient(true);
            // Same map, other features: the teacher's channels are swapped (the channel mean is the same).
            NDArray t = m.create(new float[] {1, 0, 2, -1, 1, -2, 0, 3}, new Shape(1, 2, 2, 2));
            for (boolean squared : new boolean[] {false, true}) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = NeuralAttentionDistillation.distillationLoss(s, t, 2f, squared);
                    assertEquals(0f, loss.getFloat(), 1e-7f);
                    gc.backward(loss);
                }
                for (float g : s.getGradient().toFloatArray()) {
                    assertTrue(Float.isFinite(g) && Math.abs(g) < 1e-6, (squared ? "mse" : "l2") + " gradient " + g);
                }
            }
        }
    }

    @Test
    void withoutAReserveNadSaysWhatItNeeds() {
        assertTrue(CleanReserve.needed(NeuralAttentionDistillation.METHOD), "the pipeline draws a reserve for nad");
        var e = assertThrows(IllegalArgumentException.class,
                () -> NeuralAttentionDistillation.METHOD.values(Map.of("clean-reserve", 0.0)));
        assertTrue(e.getMessage().startsWith("--clean-reserve must be "), e.getMessage());
        var d = assertThrows(IllegalArgumentException.class,
                () -> NeuralAttentionDistillation.METHOD.values(Map.of("nad-distance", "cosine")));
        assertTrue(d.getMessage().startsWith("--nad-distance must be mse or l2"), d.getMessage());
        DefenseContext ctx = new DefenseContext(SyntheticImages.split(40, 8, 1).train(), "tiny-cnn", null, null, null);
        var missing = assertThrows(IllegalStateException.class,
                () -> NeuralAttentionDistillation.METHOD.create(Map.of()).apply(ctx));
        assertTrue(missing.getMessage().startsWith("nad needs a clean reserve (--clean-reserve)"),
                missing.getMessage());
    }

    @Test
    void aRunOnGeneratedPoisonedDataTrainsTheTeacherThenDistilsAndWritesItsMetrics() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 400)
                .optAttack("badnets").optDefense("nad").opt("clean-reserve", 0.1).opt("nad-teacher-epochs", 2)
                .opt("nad-epochs", 3).optModel("tiny-cnn").optEpochs(2).optBatchSize(32).optSeed(4)
                .optOut(tmp.resolve("run")).build();
        ExperimentResult r = Experiment.run(cfg);
        List<String> rows = Files.readAllLines(r.runDirectory().resolve("metrics.csv"));
        assertEquals(String.join(",", MetricsCsv.COLUMNS), rows.get(0));
        List<String> stages = rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList();
        assertEquals(List.of("train", "train", "teacher", "teacher", "nad", "nad", "nad"), stages,
                "2 epochs of training, 2 of the teacher, 3 of distillation");
        String lastNad = rows.get(rows.size() - 1);
        double ca = Double.parseDouble(lastNad.split(",")[MetricsCsv.COLUMNS.indexOf("ca")]);
        assertEquals(r.ca(), ca, 1e-3, "the returned model is the distilled student (CSV keeps 6 digits)");
        JsonNode summary = Json.MAPPER.readTree(r.runDirectory().resolve("summary.json").toFile());
        JsonNode report = summary.get("defense_report");
        assertEquals(3, report.get("stages").asInt(), "tiny-cnn has three conv stages");
        JsonNode curve = report.get("distillation_curve");
        assertEquals(3, curve.size());
        for (JsonNode point : curve) {
            double at = point.get("attention_loss").asDouble();
            assertTrue(at > 0 && Double.isFinite(at), "a fine-tuned teacher attends differently: " + at);
            assertTrue(Double.isFinite(point.get("cross_entropy").asDouble()));
        }
        try (var models = Files.list(r.runDirectory().resolve("models"))) {
            assertTrue(models.anyMatch(p -> p.getFileName().toString().startsWith("teacher")),
                    "the teacher is saved beside the model");
        }
    }

    @Test
    void aRunStoppedDuringTheTeacherAndDuringDistillationResumesToTheSameResult() throws Exception {
        ExperimentConfig.Builder b = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 200)
                .optAttack("badnets").optDefense("nad").opt("clean-reserve", 0.2).opt("nad-teacher-epochs", 2)
                .opt("nad-epochs", 2).optModel("tiny-cnn").optEpochs(1).optBatchSize(16).optSeed(6);
        ExperimentResult ref = Experiment.run(b.optOut(tmp.resolve("ref")).build());
        ExperimentConfig cfg = b.optOut(tmp.resolve("run")).build();
        for (String stopAt : new String[] {"batch:teacher:2:1", "batch:nad:2:1"}) {
            org.cbd4j.train.CrashPoints.install(point -> {
                if (point.equals(stopAt)) {
                    throw new IllegalStateException("stopped at " + point);
                }
            });
            try {
                var e = assertThrows(IllegalStateException.class, () -> Experiment.run(cfg, stopAt.contains("teacher")
                        ? Experiment.Mode.NEW : Experiment.Mode.RESUME, null, ExperimentListener.SILENT, "test"));
                assertEquals("stopped at " + stopAt, e.getMessage());
            } finally {
                org.cbd4j.train.CrashPoints.install(null);
            }
        }
        ExperimentResult resumed = Experiment.run(cfg, Experiment.Mode.RESUME, null, ExperimentListener.SILENT, "test");
        assertEquals(withoutSeconds(ref.runDirectory()), withoutSeconds(resumed.runDirectory()));
        assertEquals(ref.ca(), resumed.ca());
        assertEquals(ref.asr(), resumed.asr());
    }

    private static List<String> withoutSeconds(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
