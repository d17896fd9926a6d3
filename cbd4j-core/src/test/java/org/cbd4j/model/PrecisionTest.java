package org.cbd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.Learner;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.SupervisedTraining;
import org.cbd4j.train.TrainConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --precision bf16}: the TorchScript convolution computes in bfloat16 (so it differs from
 * float32 by bfloat16's rounding, not by float32's), its gradients reach the float32 weight, and a
 * network trains in it as in float32. PyTorch computes bfloat16 on any x86 CPU (emulated without
 * AVX512-BF16), so these run everywhere; only speed needs the instructions.
 */
class PrecisionTest {

    @AfterEach
    void restore() {
        Precision.use(Precision.FP32);
    }

    @Test
    void parseAndTheHardwareCheckNameTheFlag() {
        assertEquals(Precision.BF16, Precision.parse("BF16"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertEquals("--precision 'fp16': expected fp32 or bf16", bad.getMessage());
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> Precision.use(Precision.BF16, Device.cpu(), false, "AMD EPYC 7B13"));
        assertTrue(cpu.getMessage().startsWith("--precision bf16: this CPU (AMD EPYC 7B13) has neither AVX512-BF16"),
                cpu.getMessage());
        assertEquals(Precision.FP32, Precision.current(), "a refused precision is not taken");
        Precision.use(Precision.BF16, Device.cpu(), true, "Xeon");
        assertEquals(Precision.BF16, Precision.current());
        Precision.use(Precision.BF16, Device.gpu(0), false, "any");
        assertEquals(Precision.BF16, Precision.current(), "a GPU is not asked about the host CPU's instructions");
    }

    @Test
    void theConvolutionRoundsLikeBfloat16AndItsGradientReachesTheFloat32Weight() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 3, 9, 9));
            NDArray w = m.randomNormal(new Shape(4, 3, 3, 3));
            w.setRequiresGradient(true);
            long[] s = {2, 2};
            long[] p = {1, 1};
            long[] d = {1, 1};
            NDArray y16;
            NDArray g16;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y16 = Bf16.toFloat32(Bf16.conv2d(s, p, d, 1).call(new ai.djl.ndarray.NDList(x, w), true).singletonOrThrow(), true);
                gc.backward(y16.square().sum());
            }
            g16 = w.getGradient().duplicate();
            NDArray y32;
            NDArray w32 = w.duplicate(); // a fresh gradient: DJL adds to the one a weight holds
            w32.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y32 = ai.djl.nn.convolutional.Conv2d.conv2d(x, w32, null, new Shape(s), new Shape(p), new Shape(d), 1)
                        .singletonOrThrow();
                gc.backward(y32.square().sum());
            }
            NDArray g32 = w32.getGradient();
            assertEquals(y32.getShape(), y16.getShape());
            double scale = y32.abs().max().getFloat();
            double err = y16.sub(y32).abs().max().getFloat() / scale;
            // bfloat16 keeps 8 significant bits: relative rounding 2^-9 per operand, sums of 27 products.
            assertTrue(err > 1e-4 && err < 3e-2, "relative difference to float32 " + err);
            double gErr = g16.sub(g32).abs().max().getFloat() / g32.abs().max().getFloat();
            assertTrue(gErr > 1e-5 && gErr < 3e-2, "relative gradient difference to float32 " + gErr);
        }
    }

    /** Trains from the seed-0 initialisation; returns (loss, weights...). */
    private static List<float[]> train(Precision precision, String architecture, int channels) {
        Precision.use(precision);
        Engine.getInstance().setRandomSeed(0);
        ImageDataset data = SyntheticImages.generate(64, channels, 16, 16, 3);
        TrainConfig cfg = new TrainConfig(1, 32, 0.05f, 0.9f, 1e-4f, Augmentation.reference(true), 7);
        List<float[]> out = new ArrayList<>();
        try (Network net = Network.forData("t", architecture, data)) {
            List<float[]> before = new ArrayList<>();
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                before.add(p.getValue().getArray().toFloatArray());
            }
            Learner learner = SupervisedTraining.learner(net, new LearningRate(0.05f), cfg);
            out.add(new float[] {(float) SupervisedTraining.epoch("f", net, learner, data, cfg, 0)});
            int i = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                float[] after = p.getValue().getArray().toFloatArray();
                if (p.getValue().requiresGradient()) {
                    float[] b = before.get(i);
                    boolean moved = false;
                    for (int k = 0; k < after.length && !moved; k++) {
                        moved = after[k] != b[k];
                    }
                    assertTrue(moved, precision + " " + architecture + ": " + p.getKey() + " was not updated");
                }
                out.add(after);
                i++;
            }
        }
        return out;
    }

    /**
     * The trigger check and the intervention search an input pattern through f_B in inference mode
     * inside a gradient collector: the bf16 convolution must record its graph there as DJL's own
     * operators do (it did not, and `cbd quickstart --precision bf16` stopped in stage 1 with
     * "element 0 of tensors does not require grad").
     */
    @Test
    void anInputGradientFlowsThroughABf16NetworkInInferenceMode() {
        Precision.use(Precision.BF16);
        try (Network net = Network.create("t", "small-cnn", 10, 1, 28, 28)) {
            NDArray x = net.manager().randomUniform(0f, 1f, new Shape(4, 1, 28, 28));
            x.setRequiresGradient(true);
            // Outside a collector no graph is recorded (evaluation stays as fast as before).
            assertTrue(!ai.djl.pytorch.jni.JniUtils.isGradMode(), "grad mode is on outside a collector");
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(net.forward(new ai.djl.ndarray.NDList(x), false).get(0).sum());
            }
            assertTrue(x.getGradient().abs().sum().getFloat() > 0f, "the input's gradient is zero");
        }
    }

    @Test
    void aNetworkTrainsInBf16AsInFp32ToBfloat16Rounding() {
        for (String[] model : new String[][] {{"small-cnn", "1"}, {"wrn-16-1", "3"}}) {
            int c = Integer.parseInt(model[1]);
            List<float[]> a = train(Precision.FP32, model[0], c);
            List<float[]> b = train(Precision.BF16, model[0], c);
            assertEquals(a.get(0)[0], b.get(0)[0], 0.05 * a.get(0)[0], model[0] + " mean loss of two steps");
            assertTrue(a.get(0)[0] != b.get(0)[0], model[0] + ": bf16 computed exactly the fp32 loss");
            double worst = 0;
            for (int i = 1; i < a.size(); i++) {
                for (int k = 0; k < a.get(i).length; k++) {
                    worst = Math.max(worst, Math.abs(a.get(i)[k] - b.get(i)[k]));
                }
            }
            assertTrue(worst < 0.1, model[0] + ": largest weight difference after two steps " + worst);
        }
    }

    @Test
    void theTorchScriptArchiveHoldsTheSourceAndTheFormatVersion() throws Exception {
        TorchScriptFunction f = new TorchScriptFunction("Twice", "  def forward(self: __torch__.Twice,\n"
                + "    x: Tensor) -> Tensor:\n    return torch.mul(x, 2.0)\n");
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(f.archive()))) {
            List<String> names = new ArrayList<>();
            for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
                if (e.getName().endsWith("/version")) {
                    assertEquals("3\n", new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
            assertEquals(List.of("twice/data.pkl", "twice/code/__torch__.py", "twice/constants.pkl", "twice/version"),
                    names);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = f.call(new ai.djl.ndarray.NDList(m.create(new float[] {1, -2.5f})), false).singletonOrThrow();
            assertEquals(List.of(2f, -5f), List.of(y.getFloat(0), y.getFloat(1)), "PyTorch ran the archived source");
        }
    }
}
