package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.model.Network;
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

    @Test
    void recoverUsesTheTriggerChecksFindingAndSearchesOnlyTheOtherClasses() {
        TrainTestSplit split = SyntheticImages.split(200, 20, 5);
        ImageDataset train = split.train();
        try (Network net = Network.forData("f_B", "tiny-cnn", train)) {
            float[] known = new float[train.imageSize()];
            Arrays.fill(known, 0.123f); // no search returns a flat pattern of this value
            TriggerInversion.Pattern removal = new TriggerInversion.Pattern(0, known, 0.123 * train.channels(), 1.0);
            Intervention.Finding finding = new Intervention.Finding(removal, 0.5, null, Double.NaN, Double.NaN, true);
            float[] lossB = new float[train.size()];
            Map<String, Object> report = new LinkedHashMap<>();
            Map<String, float[]> patterns = Intervention.recover(net, train, lossB, List.of(0, 1), Map.of(0, finding),
                    20, 5, report);
            assertArrayEquals(known, patterns.get("0"));
            assertEquals(train.imageSize(), patterns.get("1").length);
            assertFalse(Arrays.equals(known, patterns.get("1")), "class 1 had no finding and was searched");
            Map<?, ?> row0 = (Map<?, ?>) ((List<?>) report.get("class_figures")).get(0);
            assertEquals(0.5, ((Number) row0.get("pattern_transfer_rate")).doubleValue(), 1e-9);
        }
    }

    /** The intervention stamps the strongest carrying pattern found, and never a carrying pattern the check rejected. */
    @Test
    void aFindingStampsTheStrongPatternThenTheCarryingOneThenTheRemovalOne() {
        TriggerInversion.Pattern removal = new TriggerInversion.Pattern(0, new float[] {1}, 1, 0.9);
        TriggerInversion.Pattern carry = new TriggerInversion.Pattern(0, new float[] {2}, 2, 0.9);
        TriggerInversion.Pattern strong = new TriggerInversion.Pattern(0, new float[] {3}, 3, 0.9);
        Intervention.Finding both = new Intervention.Finding(removal, 0.01, carry, 0.6, 1.5, true, strong, 0.85);
        assertArrayEquals(new float[] {3}, both.pattern());
        assertEquals(0.85, both.transfer(), 1e-12);
        assertEquals(Boolean.TRUE, both.figures().containsKey("stamp_pattern_transfer_rate"));
        Intervention.Finding carried = new Intervention.Finding(removal, 0.01, carry, 0.6, 1.5, true);
        assertArrayEquals(new float[] {2}, carried.pattern());
        assertEquals(0.6, carried.transfer(), 1e-12);
        Intervention.Finding rejected = new Intervention.Finding(removal, 0.01, carry, 0.6, 2.5, false);
        assertArrayEquals(new float[] {1}, rejected.pattern());
        assertEquals(0.01, rejected.transfer(), 1e-12);
    }
}
