package org.cbd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void unknownModelsListTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Models.validate("resnet50"));
        assertTrue(e.getMessage().contains("preact-resnet18, resnet18, resnet34"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.validate("wrn-D-K"));
    }
}
