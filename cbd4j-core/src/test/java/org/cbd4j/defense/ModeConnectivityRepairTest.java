package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.model.Network;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentListener;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.Json;
import org.cbd4j.report.MetricsCsv;
import org.cbd4j.train.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bezier curve's ends, its gradient, the BatchNorm recomputation, and whole runs on generated data. */
class ModeConnectivityRepairTest {

    @TempDir
    Path tmp;

    @Test
    void theCurveIsTheQuadraticBezierOfItsThreePoints() {
        try (NDManager m = NDManager.newBaseManager()) {
            // t = 0.25: (0.75)^2 = 0.5625, 2 x 0.25 x 0.75 = 0.375, 0.25^2 = 0.0625.
            // 0.5625 x 1 + 0.375 x 3 + 0.0625 x 5 = 2; and 0.5625 x -2 + 0.375 x 0 + 0.0625 x 6 = -0.75.
            NDArray p = ModeConnectivityRepair.bezier(m.create(new float[] {1, -2}), m.create(new float[] {3, 0}),
                    m.create(new float[] {5, 6}), 0.25f, m);
            assertArrayEquals(new float[] {2f, -0.75f}, p.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void atZeroAndOneTheCurveIsExactlyItsEndsInParametersAndLogits() {
        try (Network start = net(1); Network bend = net(2); Network end = net(3); Network point = net(4);
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0, 1, new Shape(6, 1, 16, 16));
            Map<String, NDArray[]> ends = ModeConnectivityRepair.ends(bend, start, end);
            for (float t : new float[] {0f, 1f}) {
                Network expected = t == 0f ? start : end;
                ModeConnectivityRepair.setPoint(point, start, bend, end, t);
                PairList<String, Parameter> got = point.block().getParameters();
                PairList<String, Parameter> want = expected.block().getParameters();
                int trainable = 0;
                for (int i = 0; i < got.size(); i++) {
                    if (got.valueAt(i).requiresGradient()) {
                        assertArrayEquals(want.valueAt(i).getArray().toFloatArray(),
                                got.valueAt(i).getArray().toFloatArray(), 0f, got.keyAt(i) + " at t = " + t);
                        trainable++;
                    }
                }
                assertTrue(trainable > 5, "every conv, BatchNorm and head parameter compared");
                // Training mode: batch statistics, so the logits depend on the trainable parameters alone.
                try (NDManager bm = m.newSubManager()) {
                    float[] curve = bend.block().forward(new ModeConnectivityRepair.CurveStore(ends, t, bm),
                            new NDList(x), true).get(0).toFloatArray();
                    assertArrayEquals(expected.forward(new NDList(x), true).get(0).toFloatArray(), curve, 0f,
                            "the curve's forward pass at t = " + t + " is the end model's");
                }
            }
            try (NDManager bm = m.newSubManager()) {
                float[] middle = bend.block().forward(new ModeConnectivityRepair.CurveStore(ends, 0.5f, bm),
                        new NDList(x), true).get(0).toFloatArray();
                assertFalse(java.util.Arrays.equals(middle, start.forward(new NDList(x), true).get(0).toFloatArray()),
                        "inside, the bend counts");
            }
        }
    }

    @Test
    void theBendsGradientIsTwoTOneMinusTTimesThatOfThePoint() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One linear unit on 2 inputs, three copies: start, bend (trained), end.
            Linear[] blocks = new Linear[3];
            for (int k = 0; k < 3; k++) {
                blocks[k] = Linear.builder().setUnits(1).build();
                blocks[k].initialize(m, DataType.FLOAT32, new Shape(1, 2));
            }
            float[][] w = {{1, -1}, {2, 0}, {0, 4}};
            float[] b = {0.5f, -1, 3};
            for (int k = 0; k < 3; k++) {
                blocks[k].getParameters().get("weight").getArray().set(w[k]);
                blocks[k].getParameters().get("bias").getArray().set(new float[] {b[k]});
            }
            Map<String, NDArray[]> ends = new HashMap<>();
            for (String p : new String[] {"weight", "bias"}) {
                ends.put(blocks[1].getParameters().get(p).getId(), new NDArray[] {
                    blocks[0].getParameters().get(p).getArray().stopGradient(),
                    blocks[2].getParameters().get(p).getArray().stopGradient()});
            }
            // L = sum of the outputs over x = [[1, 2], [3, 4]]: dL/dW = [1+3, 2+4] = [4, 6], dL/db = 2 (two rows).
            // At t = 0.25 the bend's share is 2 x 0.25 x 0.75 = 0.375: [1.5, 2.25] and 0.75.
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                var store = new ModeConnectivityRepair.CurveStore(ends, 0.25f, m);
                gc.backward(blocks[1].forward(store, new NDList(x), true).get(0).sum());
            }
            assertArrayEquals(new float[] {1.5f, 2.25f},
                    blocks[1].getParameters().get("weight").getArray().getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.75f},
                    blocks[1].getParameters().get("bias").getArray().getGradient().toFloatArray(), 1e-6f);

            // The decay term ||phi||^2 / 2 has gradient 0.375 x phi in theta. At t = 0.25:
            // phi(W) = 0.5625 x [1, -1] + 0.375 x [2, 0] + 0.0625 x [0, 4] = [1.3125, -0.3125],
            // phi(b) = 0.5625 x 0.5 + 0.375 x -1 + 0.0625 x 3 = 0.09375.
            for (String p : new String[] {"weight", "bias"}) {
                NDArray g = blocks[1].getParameters().get(p).getArray().getGradient();
                g.subi(g);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                var store = new ModeConnectivityRepair.CurveStore(ends, 0.25f, m);
                blocks[1].forward(store, new NDList(x), true);
                gc.backward(store.squaredNorm().div(2));
            }
            assertArrayEquals(new float[] {0.375f * 1.3125f, 0.375f * -0.3125f},
                    blocks[1].getParameters().get("weight").getArray().getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.375f * 0.09375f},
                    blocks[1].getParameters().get("bias").getArray().getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void batchNormStatisticsAreRecomputedAsTheMeanOverTheData() {
        ImageDataset data = SyntheticImages.split(64, 8, 5).train();
        try (Network net = net(7); NDManager m = NDManager.newBaseManager()) {
            // The first BatchNorm normalises the first convolution's output; its exact statistics over the data:
            NDArray x = Batches.images(m, data, Batches.identity(64), 0, 64);
            NDArray conv = net.block().features().getChildren().valueAt(0)
                    .forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray perChannel = conv.transpose(1, 0, 2, 3).reshape(conv.getShape().get(1), -1);
            float[] mean = perChannel.mean(new int[] {1}).toFloatArray();
            long count = perChannel.getShape().get(1);
            float[] unbiasedVar = perChannel.sub(perChannel.mean(new int[] {1}, true)).square().sum(new int[] {1})
                    .div(count - 1).toFloatArray();
            List<NDArray> running = net.block().getParameters().values().stream()
                    .filter(p -> p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR)
                    .map(Parameter::getArray).toList();

            ModeConnectivityRepair.recomputeBatchNorm(net, data, 64); // one batch: the statistics of all 64
            assertArrayEquals(mean, running.get(0).toFloatArray(), 1e-5f, "running mean");
            assertArrayEquals(unbiasedVar, running.get(1).toFloatArray(), 1e-4f, "running variance (unbiased)");
            // Two batches of 32: the mean of the two batch means is still the mean of all 64.
            ModeConnectivityRepair.recomputeBatchNorm(net, data, 32);
            assertArrayEquals(mean, running.get(0).toFloatArray(), 1e-5f, "running mean over two batches");
        }
    }

    @Test
    void theScheduleIsThePaperCodes() {
        assertEquals(1.0, ModeConnectivityRepair.rateFactor(0, 10), 1e-12, "epoch 1 of 10");
        assertEquals(1.0, ModeConnectivityRepair.rateFactor(4, 10), 1e-12, "epoch 5: half way");
        // Epoch 7 of 10: alpha 0.7, 1 - (0.7 - 0.5) / 0.4 x 0.99 = 0.505.
        assertEquals(0.505, ModeConnectivityRepair.rateFactor(6, 10), 1e-12);
        assertEquals(0.01, ModeConnectivityRepair.rateFactor(9, 10), 1e-12, "the last 10 %");
    }

    @Test
    void withoutAReserveOrWithABadEndpointMcrSaysWhatIsWrong() {
        assertTrue(CleanReserve.needed(ModeConnectivityRepair.METHOD), "the pipeline draws a reserve for mcr");
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModeConnectivityRepair.METHOD.values(Map.of("mcr-endpoint", "average")));
        assertTrue(e.getMessage().startsWith("--mcr-endpoint must be finetune or retrain"), e.getMessage());
        DefenseContext ctx = new DefenseContext(SyntheticImages.split(40, 8, 1).train(), "tiny-cnn", null, null, null);
        var missing = assertThrows(IllegalStateException.class,
                () -> ModeConnectivityRepair.METHOD.create(Map.of()).apply(ctx));
        assertTrue(missing.getMessage().startsWith("mcr needs a clean reserve (--clean-reserve)"), missing.getMessage());
    }

    @Test
    void aRunTrainsBothEndsAndTheCurveThenWalksThePathAndReturnsThePointAtT() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 400)
                .optAttack("badnets").optDefense("mcr").opt("clean-reserve", 0.1).opt("mcr-endpoint-epochs", 2)
                .opt("mcr-epochs", 3).opt("mcr-path-step", 0.25).optModel("tiny-cnn").optEpochs(2).optBatchSize(32)
                .optSeed(4).optOut(tmp.resolve("run")).build();
        ExperimentResult r = Experiment.run(cfg);
        List<String> rows = Files.readAllLines(r.runDirectory().resolve("metrics.csv"));
        List<String> stages = rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList();
        assertEquals(List.of("train", "train", "endpoint", "endpoint", "curve", "curve", "curve", "path", "path", "path",
                "path", "path"), stages, "2 epochs of training, 2 of the second end, 3 of the curve, t = 0 .. 1 by 0.25");
        int ca = MetricsCsv.COLUMNS.indexOf("ca");
        String lastCurve = rows.get(stages.lastIndexOf("curve") + 1);
        assertEquals(r.ca(), Double.parseDouble(lastCurve.split(",")[ca]), 1e-3,
                "the returned model is the curve's point at --mcr-t, as evaluated after the last curve epoch");
        JsonNode report = Json.MAPPER.readTree(r.runDirectory().resolve("summary.json").toFile()).get("defense_report");
        assertEquals(0.3, report.get("t").asDouble(), 1e-6);
        JsonNode path = report.get("path");
        assertEquals(5, path.size());
        assertEquals(0.0, path.get(0).get("t").asDouble());
        assertEquals(1.0, path.get(4).get("t").asDouble());
        for (String name : new String[] {"model", "curve-start", "curve-bend", "curve-end"}) {
            assertTrue(Files.isRegularFile(r.runDirectory().resolve("models").resolve(name + "-0000.params")), name);
        }
    }

    @Test
    void aRetrainedSecondEndTrainsOnThePoisonedDataWithTheRunsEpochs() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 200)
                .optAttack("badnets").optDefense("mcr").opt("mcr-endpoint", "retrain").opt("mcr-epochs", 1)
                .opt("mcr-path-step", 0.0).optModel("tiny-cnn").optEpochs(2).optBatchSize(32).optSeed(2)
                .optOut(tmp.resolve("retrain")).build();
        ExperimentResult r = Experiment.run(cfg);
        List<String> rows = Files.readAllLines(r.runDirectory().resolve("metrics.csv"));
        List<String> stages = rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList();
        assertEquals(List.of("train", "train", "endpoint", "endpoint", "curve"), stages, "no path rows at step 0");
        int loss = MetricsCsv.COLUMNS.indexOf("loss");
        for (int e = 1; e <= 2; e++) {
            assertFalse(rows.get(e).split(",")[loss].equals(rows.get(e + 2).split(",")[loss]),
                    "epoch " + e + ": the second model starts elsewhere, so its training loss is not the first one's");
        }
    }

    @Test
    void aRunStoppedDuringTheCurveResumesToTheSameResult() throws Exception {
        ExperimentConfig.Builder b = ExperimentConfig.builder().optDataset("synthetic").opt("limit-train", 200)
                .optAttack("badnets").optDefense("mcr").opt("clean-reserve", 0.2).opt("mcr-endpoint-epochs", 1)
                .opt("mcr-epochs", 2).opt("mcr-path-step", 0.5).optModel("tiny-cnn").optEpochs(1).optBatchSize(16)
                .optSeed(6);
        ExperimentResult ref = Experiment.run(b.optOut(tmp.resolve("ref")).build());
        ExperimentConfig cfg = b.optOut(tmp.resolve("run")).build();
        String stopAt = "batch:curve:2:1";
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
        assertEquals(ref.asr(), resumed.asr());
    }

    private static List<String> withoutSeconds(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }

    private static Network net(int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return Network.create("m" + seed, "tiny-cnn", 4, 1, 16, 16);
    }
}
