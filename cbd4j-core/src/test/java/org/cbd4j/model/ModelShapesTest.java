package org.cbd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Every model returns (logits, embedding) for 1- and 3-channel inputs of 28x28 and 32x32. */
class ModelShapesTest {

    @Test
    void everyModelReturnsLogitsAndItsEmbedding() {
        String[][] models = {{"wrn-16-1", "64"}, {"wrn-10-2", "128"}, {"preact-resnet18", "512"}, {"resnet18", "512"},
            {"resnet34", "512"}, {"small-cnn", null}, {"tiny-cnn", null}};
        for (String[] m : models) {
            for (int c : new int[] {1, 3}) {
                for (int side : new int[] {28, 32}) {
                    try (Network net = Network.create("n", m[0], 7, c, side, side);
                            NDManager scope = net.manager().newSubManager()) {
                        NDList out = net.forward(new NDList(scope.randomUniform(0, 1, new Shape(2, c, side, side))), false);
                        String what = m[0] + " " + c + "x" + side + "x" + side;
                        assertEquals(new Shape(2, 7), out.get(0).getShape(), what + " logits");
                        long d = out.get(1).getShape().get(1);
                        assertEquals(2, out.get(1).getShape().get(0), what);
                        assertEquals(net.block().embeddingSize(), d, what + " embedding width");
                        if (m[1] != null) {
                            assertEquals(Long.parseLong(m[1]), d, what + " embedding width");
                        }
                        assertTrue(net.parameterCount() > 1000, what);
                    }
                }
            }
        }
    }

    @Test
    void theStageOutputsComeWithTheSameLogitsAndHaveEachStagesShape() {
        // Per model, for a 3x32x32 input: (channels, side) of each stage's output, from the
        // architectures' definitions (widths; strides 1, 2, 2(, 2); the small CNNs pool 2x2 between stages).
        Object[][] models = {
            {"tiny-cnn", new long[][] {{8, 32}, {16, 16}, {32, 8}}},
            {"small-cnn", new long[][] {{16, 32}, {32, 16}, {64, 8}}},
            {"wrn-16-1", new long[][] {{16, 32}, {32, 16}, {64, 8}}},
            {"wrn-10-2", new long[][] {{32, 32}, {64, 16}, {128, 8}}},
            {"preact-resnet18", new long[][] {{64, 32}, {128, 16}, {256, 8}, {512, 4}}},
            {"resnet18", new long[][] {{64, 32}, {128, 16}, {256, 8}, {512, 4}}},
            {"resnet34", new long[][] {{64, 32}, {128, 16}, {256, 8}, {512, 4}}}};
        for (Object[] m : models) {
            String name = (String) m[0];
            long[][] stages = (long[][]) m[1];
            try (Network net = Network.create("n", name, 5, 3, 32, 32); NDManager scope = net.manager().newSubManager()) {
                assertEquals(stages.length, net.block().stageCount(), name);
                NDArray x = scope.randomUniform(0, 1, new Shape(2, 3, 32, 32));
                for (boolean training : new boolean[] {false, true}) {
                    NDList plain = net.forward(new NDList(x), training);
                    NDList staged = net.forwardStages(new NDList(x), training);
                    assertEquals(2 + stages.length, staged.size(), name);
                    assertArrayEquals(plain.get(0).toFloatArray(), staged.get(0).toFloatArray(), name + " logits, exactly");
                    assertArrayEquals(plain.get(1).toFloatArray(), staged.get(1).toFloatArray(), name + " embedding");
                    for (int k = 0; k < stages.length; k++) {
                        long[] cs = stages[k];
                        assertEquals(new Shape(2, cs[0], cs[1], cs[1]), staged.get(2 + k).getShape(),
                                name + " stage " + (k + 1));
                    }
                }
            }
        }
    }

    @Test
    void unknownModelsListTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Models.validate("resnet50"));
        assertTrue(e.getMessage().contains("preact-resnet18, resnet18, resnet34"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.validate("wrn-D-K"));
    }
}
