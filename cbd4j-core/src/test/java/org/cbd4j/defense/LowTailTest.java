package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.cbd4j.data.ImageDataset;
import org.junit.jupiter.api.Test;

/** Where stage 1 looks for a low-rate poison-label attack: each class's lowest-loss tail. */
class LowTailTest {

    private static final int K = 10;
    private static final int SIDE = 8;

    private static final int PER_CLASS = 300;

    /**
     * {@link #PER_CLASS} images per class, each its class's template (a bright column at the
     * class's index) plus noise; 60 images of class 0 show the templates of classes 1-6 instead
     * (10 each): other classes' images labelled 0, as all-to-one poisoning makes them.
     */
    private static ImageDataset data(Set<Integer> foreign) {
        Random r = new Random(5);
        int n = PER_CLASS * K;
        int[] y = new int[n];
        byte[] px = new byte[n * SIDE * SIDE];
        for (int i = 0; i < n; i++) {
            y[i] = i % K;
            int shown = y[i];
            if (y[i] == 0 && i / K >= 10 && i / K < 70) {
                shown = i / K / 10;
                foreign.add(i);
            }
            for (int row = 0; row < SIDE; row++) {
                for (int col = 0; col < SIDE; col++) {
                    double v = (col == shown % SIDE ? 200 : 40) + (shown >= SIDE && row == 0 ? 150 : 0) + 20 * r.nextGaussian();
                    px[i * SIDE * SIDE + row * SIDE + col] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return new ImageDataset(px, y, 1, SIDE, SIDE, K);
    }

    /**
     * ln l_B per sample, one N(-2, 1) population over the whole set and within every class (no
     * split anywhere), dealt out within each class so that class 0's foreign images get its lowest
     * values.
     */
    private static double[] logLoss(ImageDataset d, Set<Integer> foreign) {
        Random r = new Random(9);
        double[] l = new double[d.size()];
        for (int c = 0; c < K; c++) {
            int cc = c;
            Integer[] idx = java.util.stream.IntStream.range(0, d.size()).filter(i -> d.label(i) == cc).boxed()
                    .toArray(Integer[]::new);
            java.util.Arrays.sort(idx, java.util.Comparator.comparingDouble(
                    i -> foreign.contains(i) ? -1 : r.nextDouble()));
            double[] draws = r.doubles(idx.length).map(u -> -2 + r.nextGaussian()).sorted().toArray();
            for (int k = 0; k < idx.length; k++) {
                l[idx[k]] = draws[k];
            }
        }
        return l;
    }

    @Test
    void everyClassHasItsLowestLossTailAndTheTargetClasssTailIsItsPoisonedImages() {
        Set<Integer> foreign = new TreeSet<>();
        ImageDataset d = data(foreign);
        double[] l = logLoss(d, foreign);
        int[][] tails = LowTail.tails(l, d.labels(), K, Set.of(3));
        assertEquals(null, tails[3], "a skipped class has no tail");
        for (int c = 0; c < K; c++) {
            if (c == 3) {
                continue;
            }
            assertEquals(LowTail.MIN_IMAGES, tails[c].length, "5 % of 300 is under one search batch");
            double worst = Double.NEGATIVE_INFINITY;
            for (int i : tails[c]) {
                assertEquals(c, d.label(i));
                worst = Math.max(worst, l[i]);
            }
            int cc = c;
            double edge = worst;
            long below = java.util.stream.IntStream.range(0, d.size()).filter(i -> d.label(i) == cc && l[i] <= edge).count();
            assertEquals(tails[c].length, below, "the tail is the class's lowest losses");
        }
        long poisoned = java.util.Arrays.stream(tails[0]).filter(foreign::contains).count();
        assertEquals(60, poisoned, "every foreign image is in the target class's tail");
        assertTrue(LowTail.tails(l, java.util.Arrays.copyOf(d.labels(), 100), K, Set.of())[0] == null,
                "a class of 10 samples has no tail");
    }

    @Test
    void aTailStandsOutOnlyWhenItCarriesEnoughAndFarMoreThanAnyOther() {
        // blend at rate 0.01, f_B's second epoch (docs/RESULTS.md)
        assertEquals(0, LowTail.standsOut(java.util.Map.of(0, 0.311, 1, 0.018, 2, 0.016, 3, 0.021, 5, 0.004, 9, 0.002)));
        // BadNets at rate 0.01, f_B's fifth epoch: a clean class's tail (6) carried more than the target's
        assertEquals(null, LowTail.standsOut(java.util.Map.of(0, 0.096, 3, 0.018, 6, 0.119, 8, 0.0)));
        assertEquals(null, LowTail.standsOut(java.util.Map.of(0, 0.08, 1, 0.0, 2, 0.0)), "under 10 %");
        // clean Fashion-MNIST, f_B's fifth epoch: the shirts' tail leads by 4.5x but carries 10.5 %
        assertEquals(null, LowTail.standsOut(java.util.Map.of(0, 0.002, 3, 0.0234, 6, 0.1055, 7, 0.0195)));
        assertEquals(2, LowTail.standsOut(java.util.Map.of(0, 0.0, 1, 0.0, 2, 0.2)));
        assertEquals(null, LowTail.standsOut(java.util.Map.of()));
    }

    @Test
    void aTailThatCarriesATriggerNamesTheClassThroughACheckpoint() {
        Set<Integer> foreign = new TreeSet<>();
        ImageDataset d = data(foreign);
        // The whole set and class 0 show no split: f_B's losses as in the rate-0.01 runs.
        float[] lossB = new float[d.size()];
        double[] ll = logLoss(d, foreign);
        for (int i = 0; i < lossB.length; i++) {
            lossB[i] = (float) Math.exp(ll[i]);
        }
        for (boolean carries : new boolean[] {false, true}) {
            List<Integer> asked = new ArrayList<>();
            FbCapture rule = new FbCapture(d.labels(), K, c -> false, (c, low) -> false)
                    .withTailCheck((c, tail) -> {
                        asked.add(c);
                        // the stub's trigger: a tail of class 0 that holds its foreign images
                        boolean trigger = c == 0 && java.util.Arrays.stream(tail).filter(foreign::contains).count() == 60;
                        return carries && trigger ? 0.31 : 0.05;
                    });
            assertFalse(rule.observe(0, lossB).captured());
            assertTrue(asked.isEmpty(), "no tail is checked before stage 1 may stop");
            FbCapture.Observation o = rule.observe(1, lossB);
            assertFalse(o.captured(), "a class found by its tail does not stop stage 1: " + o.toMap());
            assertEquals(java.util.stream.IntStream.range(0, K).boxed().toList(), asked, "every class's tail is measured");
            assertEquals(K, o.tailTransfer().size(), o.toMap().toString());
            assertTrue(o.toMap().containsKey("tail_transfer"), "the measurements are logged and written");
            assertEquals(carries, o.splitClasses().contains(0));
            assertEquals(carries ? Set.of(0) : Set.of(), rule.verifiedTail());
            asked.clear();
            rule.observe(2, lossB);
            assertEquals(carries ? List.of() : java.util.stream.IntStream.range(0, K).boxed().toList(), asked,
                    "once a tail carried a trigger no tail is checked again");
            assertEquals(carries ? List.of(0) : List.of(), rule.confirmedSplitClasses());
            FbCapture resumed = new FbCapture(d.labels(), K);
            resumed.restore(rule.flags());
            assertEquals(carries ? List.of(0) : List.of(), resumed.confirmedSplitClasses(), "kept in the checkpoint");
        }
    }
}
