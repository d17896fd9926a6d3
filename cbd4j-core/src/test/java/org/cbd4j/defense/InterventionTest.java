package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterventionTest {

    @Test
    void patternIsRemovedFromItsClassAndAddedToOthersLabelsUntouched() {
        // Four 1x1x2 images at 0.5; class 0 is confounded with pattern (0.1, -0.1).
        int[] labels = {0, 1, 2, 0};
        int[] order = {0, 1, 2, 3};
        float[] pattern = {0.1f, -0.1f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(4, 1, 1, 2), 0.5f);
            float[] out = Intervention.stamp(x, Map.of("0", pattern), labels, order, 0, 4, 1.0, new Random(3))
                    .toFloatArray();
            for (int i = 0; i < 4; i++) {
                float d0 = out[2 * i] - 0.5f;
                float d1 = out[2 * i + 1] - 0.5f;
                assertEquals(-d0, d1, 1e-6f, "the pattern's shape is kept");
                double strength = d0 / 0.1;
                assertTrue(Math.abs(strength) <= 2 + 1e-5, "strength " + strength);
                if (labels[i] == 0) {
                    assertTrue(strength <= 0, "class 0 must have the pattern removed: " + strength);
                } else {
                    assertTrue(strength >= 0, "other classes get the pattern added: " + strength);
                }
            }
            float[] none = Intervention.stamp(x, Map.of("0", pattern), labels, order, 0, 4, 0.0, new Random(3))
                    .toFloatArray();
            for (float v : none) {
                assertEquals(0.5f, v);
            }
        }
    }
}
