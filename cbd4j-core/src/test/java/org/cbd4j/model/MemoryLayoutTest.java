package org.cbd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.lang.reflect.Method;
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

class MemoryLayoutTest {

    @AfterEach
    void restore() {
        MemoryLayout.use(MemoryLayout.CHANNELS_LAST);
    }

    /** Whether PyTorch sees the tensor as row-major contiguous (DJL keeps that call package-private). */
    private static boolean contiguous(NDArray a) throws Exception {
        Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        java.lang.reflect.Field f = lib.getDeclaredField("LIB");
        f.setAccessible(true);
        Method m = lib.getDeclaredMethod("torchIsContiguous", long.class);
        m.setAccessible(true);
        long handle = ((ai.djl.pytorch.engine.PtNDArray) a).getHandle();
        return (boolean) m.invoke(f.get(null), handle);
    }

    @Test
    void channelsLastKeepsShapeAndValuesAndStoresPixelsChannelInnermost() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(2 * 3 * 4 * 5).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(2, 3, 4, 5);
            NDArray y = MemoryLayout.CHANNELS_LAST.arrange(x);
            assertEquals(new Shape(2, 3, 4, 5), y.getShape());
            assertArrayEquals(x.toFloatArray(), y.toFloatArray());
            assertTrue(contiguous(x));
            assertFalse(contiguous(y), "an NCHW-shaped view of NHWC memory is not row-major contiguous");
            assertTrue(contiguous(y.transpose(0, 2, 3, 1)), "its (N, H, W, C) view is");
            assertTrue(MemoryLayout.NCHW.arrange(x) == x);
            NDArray flat = m.create(new float[] {1, 2, 3});
            assertTrue(MemoryLayout.CHANNELS_LAST.arrange(flat) == flat, "only image batches are arranged");
        }
    }

    @Test
    void parseNamesTheFlagAndTheChoices() {
        assertEquals(MemoryLayout.NCHW, MemoryLayout.parse("NCHW"));
        assertEquals(MemoryLayout.CHANNELS_LAST, MemoryLayout.parse("channels-last"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryLayout.parse("nhwc"));
        assertEquals("--memory-layout 'nhwc': expected nchw or channels-last", e.getMessage());
    }

    /** Trains {@code architecture} on {@code n} images from the seed-0 initialisation; returns (loss, weights...). */
    private static List<float[]> train(MemoryLayout layout, String architecture, int channels, int n) {
        MemoryLayout.use(layout);
        Engine.getInstance().setRandomSeed(0);
        ImageDataset d = SyntheticImages.generate(n, channels, 16, 16, 3);
        TrainConfig cfg = new TrainConfig(1, 32, 0.05f, 0.9f, 1e-4f, Augmentation.reference(true), 7);
        List<float[]> out = new ArrayList<>();
        try (Network net = Network.forData("t", architecture, d)) {
            Learner learner = SupervisedTraining.learner(net, new LearningRate(0.05f), cfg);
            out.add(new float[] {(float) SupervisedTraining.epoch("f", net, learner, d, cfg, 0)});
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                out.add(p.getValue().getArray().toFloatArray());
            }
        }
        return out;
    }

    private static double largestWeightDifference(List<float[]> a, List<float[]> b) {
        double worst = 0;
        for (int i = 1; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).length; k++) {
                worst = Math.max(worst, Math.abs(a.get(i)[k] - b.get(i)[k]));
            }
        }
        return worst;
    }

    /**
     * One SGD step from one initialisation agrees to rounding; after four, the differences have
     * grown, as they do in PyTorch itself: the first steps of a BatchNorm network at lr 0.05 amplify
     * rounding (PyTorch 1.13 in Python, WRN-16-1, NCHW against channels-last: largest weight
     * difference 2.2e-6 after one step, 9.5e-5 after two, 2.5e-3 after four, on AMD EPYC).
     */
    @Test
    void trainingInEitherLayoutGivesTheSameLossAndWeightsToRounding() {
        for (String[] model : new String[][] {{"small-cnn", "1"}, {"wrn-16-1", "3"}}) {
            int c = Integer.parseInt(model[1]);
            List<float[]> a = train(MemoryLayout.NCHW, model[0], c, 32);
            List<float[]> b = train(MemoryLayout.CHANNELS_LAST, model[0], c, 32);
            assertEquals(a.get(0)[0], b.get(0)[0], 1e-5, model[0] + " loss of one step");
            double one = largestWeightDifference(a, b);
            assertTrue(one < 1e-5, model[0] + ": largest weight difference after one step " + one);

            a = train(MemoryLayout.NCHW, model[0], c, 128);
            b = train(MemoryLayout.CHANNELS_LAST, model[0], c, 128);
            assertEquals(a.get(0)[0], b.get(0)[0], 2e-3, model[0] + " mean loss of four steps");
            double four = largestWeightDifference(a, b);
            assertTrue(four < 0.1, model[0] + ": largest weight difference after four steps " + four);
        }
    }
}
