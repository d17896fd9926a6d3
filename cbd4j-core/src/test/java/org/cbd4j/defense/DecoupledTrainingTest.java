package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentListener;
import org.cbd4j.pipeline.ExperimentResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DBD's losses, split and views on hand-made numbers, MixMatch's pieces, and whole runs on generated data. */
class DecoupledTrainingTest {

    @TempDir
    Path tmp;

    @Test
    void ntXentOfTwoPairsIsTheHandComputedValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            // View 1 of images 0 and 1: (1, 0), (0, 1); view 2: (3, 4), (4, 3), i.e. (0.6, 0.8), (0.8, 0.6)
            // once normalised. Cosines: a0.a1 = 0, a0.b0 = 0.6, a0.b1 = 0.8, a1.b0 = 0.8, a1.b1 = 0.6,
            // b0.b1 = 0.96. At temperature 0.5 every positive has 0.6 / 0.5 = 1.2, and
            //   a0: -1.2 + ln(e^0 + e^1.2 + e^1.6)     (others a1, b0 positive, b1)
            //   a1: -1.2 + ln(e^0 + e^1.6 + e^1.2)     (a0, b0, b1 positive)
            //   b0: -1.2 + ln(e^1.2 + e^1.6 + e^1.92)  (a0 positive, a1, b1)
            //   b1: -1.2 + ln(e^1.6 + e^1.2 + e^1.92)  (a0, a1 positive, b0)
            NDArray z = m.create(new float[] {1, 0, 0, 1, 3, 4, 4, 3}, new Shape(4, 2));
            double a = -1.2 + Math.log(1 + Math.exp(1.2) + Math.exp(1.6));
            double b = -1.2 + Math.log(Math.exp(1.2) + Math.exp(1.6) + Math.exp(1.92));
            assertEquals((2 * a + 2 * b) / 4, DecoupledTraining.ntXent(z, 0.5f).getFloat(), 1e-5);
            // Identical views pull each image to its twin: the loss is lower.
            NDArray twins = m.create(new float[] {1, 0, 0, 1, 1, 0, 0, 1}, new Shape(4, 2));
            // Each row: positive cosine 1 (2 at tau 0.5), negatives 0 and 0: -2 + ln(e^2 + 2).
            assertEquals(-2 + Math.log(Math.exp(2) + 2), DecoupledTraining.ntXent(twins, 0.5f).getFloat(), 1e-5);
        }
    }

    @Test
    void symmetricCrossEntropyIsAlphaCePlusBetaRce() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Logits (0, ln 3): p = (0.25, 0.75). Label 1: CE = -ln 0.75; RCE = -0.25 ln 1e-4 = 0.25 ln 1e4.
            NDArray logits = m.create(new float[] {0, (float) Math.log(3), 0, (float) Math.log(3)}, new Shape(2, 2));
            NDArray labels = m.create(new long[] {1, 0});
            float[] sce = DecoupledTraining.symmetricCrossEntropy(logits, labels, 0.1f, 1f).toFloatArray();
            assertEquals(0.1 * -Math.log(0.75) + 0.25 * Math.log(1e4), sce[0], 1e-5);
            // Label 0: CE = -ln 0.25, RCE = 0.75 ln 1e4.
            assertEquals(0.1 * -Math.log(0.25) + 0.75 * Math.log(1e4), sce[1], 1e-4);
        }
    }

    @Test
    void theSplitKeepsExactlyFloorEpsilonNLowestLosses() {
        float[] loss = {0.5f, 0.1f, 0.9f, 0.3f, 0.3f, 2.0f, 0.05f};
        // floor(0.5 x 7) = 3: 0.05 (6), 0.1 (1), and of the tied 0.3s the lower index (3).
        boolean[] high = DecoupledTraining.credibleSplit(loss, 0.5);
        assertArrayEquals(new boolean[] {false, true, false, true, false, false, true}, high);
        // Ranks in increasing loss 6, 1, 3, 4, 0, 2, 5, scaled by 1/6.
        assertArrayEquals(new float[] {4 / 6f, 1 / 6f, 5 / 6f, 2 / 6f, 3 / 6f, 1f, 0f},
                DecoupledTraining.lossRank(loss), 1e-6f);
        var e = assertThrows(IllegalArgumentException.class, () -> DecoupledTraining.credibleSplit(loss, 0.1));
        assertTrue(e.getMessage().startsWith("--dbd-epsilon 0.1 keeps 0 of 7"), e.getMessage());
    }

    @Test
    void theWholeImageCropIsTheIdentityAndViewsStayImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0, 1, new Shape(3, 1, 8, 8));
            // nextDouble always 1: area 8 x 8 x (0.2 + 0.8) = 64 and ratio 4/3 give a width of
            // round(sqrt(85.3)) = 9 > 8 on every try, so the whole image is kept, resized 1:1.
            Random always = new Random() {
                @Override
                public double nextDouble() {
                    return 1.0;
                }
            };
            assertArrayEquals(x.toFloatArray(), DecoupledTraining.resizedCrop(x, always, false).toFloatArray(), 1e-6f);
            NDArray v = DecoupledTraining.jitter(DecoupledTraining.resizedCrop(x, new Random(3), true), new Random(4));
            assertEquals(x.getShape(), v.getShape());
            for (float f : v.toFloatArray()) {
                assertTrue(f >= 0f && f <= 1f, "pixel " + f);
            }
        }
    }

    @Test
    void sharpeningAndTheBetaDrawAreMixMatchs() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (0.6, 0.4) at T = 0.5: squares 0.36, 0.16, over 0.52.
            assertArrayEquals(new float[] {0.36f / 0.52f, 0.16f / 0.52f},
                    MixMatch.sharpen(m.create(new float[] {0.6f, 0.4f}, new Shape(1, 2)), 0.5).toFloatArray(), 1e-6f);
        }
        // Beta(a, a) has mean 1/2 and variance 1 / (4 (2a + 1)): 0.1 at a = 0.75, 0.05 at a = 2.
        for (double[] av : new double[][] {{0.75, 0.1}, {2, 0.05}}) {
            Random rnd = new Random(1);
            double sum = 0;
            double sq = 0;
            int draws = 40_000;
            for (int i = 0; i < draws; i++) {
                double x = MixMatch.beta(rnd, av[0]);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
                sq += x * x;
            }
            double mean = sum / draws;
            assertEquals(0.5, mean, 0.01, "mean at a = " + av[0]);
            assertEquals(av[1], sq / draws - mean * mean, 0.005, "variance at a = " + av[0]);
        }
    }

    @Test
    void aRunPretrainsTrainsTheHeadSplitsAndFineTunesAndScoresEverySample() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 400)
                .optAttack("badnets").optDefense("dbd").opt("dbd-pretrain-epochs", 2).opt("dbd-pretrain-batch-size", 128)
                .opt("dbd-head-epochs", 2).opt("dbd-finetune-epochs", 2).optModel("tiny-cnn").optEpochs(2)
                .optBatchSize(32).optSeed(4).optOut(tmp.resolve("run")).build();
        ExperimentResult r = Experiment.run(cfg);
        List<String> rows = Files.readAllLines(r.runDirectory().resolve("metrics.csv"));
        List<String> stages = rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList();
        assertEquals(List.of("pretrain", "pretrain", "head", "head", "finetune", "finetune"), stages);
        assertEquals(200, r.flaggedCount(), "floor(0.5 x 400) keep their labels, the other 200 are flagged");
        assertTrue(Double.isFinite(r.detectionAuroc()), "detection AUROC is reported");
        List<String> scores = Files.readAllLines(r.runDirectory().resolve("sample_scores.csv"));
        List<String> header = List.of(scores.get(0).split(","));
        assertTrue(header.containsAll(List.of("suspicion", "head_loss", "flagged")), scores.get(0));
        float min = 1;
        float max = 0;
        for (float s : r.suspicion()) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        assertEquals(0f, min);
        assertEquals(1f, max, "suspicion is the loss rank scaled to [0, 1]");
    }

    @Test
    void aRunStoppedDuringFineTuningResumesToTheSameResult() throws Exception {
        ExperimentConfig.Builder b = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 200)
                .optAttack("badnets").optDefense("dbd").opt("dbd-pretrain-epochs", 1).opt("dbd-pretrain-batch-size", 64)
                .opt("dbd-head-epochs", 1).opt("dbd-finetune-epochs", 2).optModel("tiny-cnn").optEpochs(1)
                .optBatchSize(16).optSeed(6);
        ExperimentResult ref = Experiment.run(b.optOut(tmp.resolve("ref")).build());
        ExperimentConfig cfg = b.optOut(tmp.resolve("run")).build();
        String stopAt = "batch:finetune:2:2";
        org.cbd4j.train.CrashPoints.install(point -> {
            if (point.equals(stopAt)) {
                throw new IllegalStateException("stopped at " + point);
            }
        });
        try {
            var e = assertThrows(IllegalStateException.class, () -> Experiment.run(cfg));
            assertEquals("stopped at " + stopAt, e.getMessage());
        } finally {
            org.cbd4j.train.CrashPoints.install(null);
        }
        ExperimentResult resumed = Experiment.run(cfg, Experiment.Mode.RESUME, null, ExperimentListener.SILENT, "test");
        assertEquals(withoutSeconds(ref.runDirectory()), withoutSeconds(resumed.runDirectory()));
        assertEquals(ref.ca(), resumed.ca());
        assertArrayEquals(ref.suspicion(), resumed.suspicion(), "the split came back with the checkpoint");
    }

    private static List<String> withoutSeconds(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }
}
