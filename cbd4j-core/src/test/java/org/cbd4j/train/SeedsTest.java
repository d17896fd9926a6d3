package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every random stream is derived from (seed, stage, epoch) and no two of them coincide. */
class SeedsTest {

    @Test
    void streamsOfDifferentSeedsStagesAndEpochsDoNotCollide() {
        // The former augmentation seed, seed * 31 + epoch, gave (seed 1, epoch 0) the stream of
        // (seed 0, epoch 31), and every stage of one run the same stream.
        List<String> streams = List.of("f_B/augment", "f_C/augment", "f_B/order", "f_C/order", "retrain/augment",
                "f_C/intervention");
        Map<Integer, String> seen = new HashMap<>();
        for (long seed = 0; seed < 10; seed++) {
            for (String s : streams) {
                for (int e = 0; e < 60; e++) {
                    String key = seed + " " + s + " " + e;
                    String before = seen.put(Seeds.forEpoch(seed, s, e), key);
                    assertEquals(null, before, "same seed for " + before + " and " + key);
                }
            }
        }
    }

    @Test
    void epochOrdersDifferAcrossStagesAndSeedsButRepeatExactly() {
        int[] a = Batches.epochOrder(1000, 0, "f_B", 31);
        assertFalse(Arrays.equals(a, Batches.epochOrder(1000, 1, "f_B", 0)), "seed 0 epoch 31 vs seed 1 epoch 0");
        assertFalse(Arrays.equals(a, Batches.epochOrder(1000, 0, "f_C", 31)), "f_B vs f_C");
        assertEquals(Arrays.toString(a), Arrays.toString(Batches.epochOrder(1000, 0, "f_B", 31)), "reproducible");
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
        assertFalse(Seeds.random(3, "f_C/augment", 0).nextLong() == Seeds.random(3, "f_B/augment", 0).nextLong());
    }
}
