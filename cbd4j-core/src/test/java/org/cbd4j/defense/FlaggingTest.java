package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CBD's final flags: the whole-set split, kept within the classes stage 1 named (or their own split). */
class FlaggingTest {

    @Test
    void flagsOutsideTheNamedClassesAreDropped() {
        boolean[] flagged = {true, true, false, true, true};
        int[] labels = {0, 1, 0, 2, 0};
        assertArrayEquals(new boolean[] {true, false, false, false, true},
                CbdScores.withinClasses(flagged, labels, List.of(0)));
        assertArrayEquals(new boolean[] {true, true, false, false, true},
                CbdScores.withinClasses(flagged, labels, List.of(0, 1)));
    }

    /**
     * 1 % of the data poisoned, all labelled 0, among clean classes of every difficulty: too few
     * for a group of the whole set, a separate high group of ln l_C - ln l_B inside class 0.
     */
    @Test
    void aNamedClassTheWholeSetSplitMissesIsSplitOnItsOwn() {
        java.util.Random r = new java.util.Random(4);
        int n = 20_000;
        int[] labels = new int[n];
        float[] lossB = new float[n];
        float[] lossC = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            boolean poisoned = i % 100 == 0; // 200 samples, all in class 0
            // the other classes' samples from hard to easy for f_B, which fits easy ones far better
            // than f_C: their ln l_C - ln l_B spread evenly over 0..7 and hide the poisoned group
            double easy = poisoned ? 6 : labels[i] == 0 ? 0 : labels[i] == 3 ? 3 + r.nextGaussian() : 7 * r.nextDouble();
            lossB[i] = (float) Math.exp(-1 - easy + 0.7 * r.nextGaussian());
            lossC[i] = (float) Math.exp(-1 + 0.7 * r.nextGaussian());
        }
        boolean[] whole = CbdScores.withinClasses(CbdScores.flagged(lossB, lossC), labels, List.of(0));
        int wholeCount = 0;
        for (boolean f : whole) {
            wholeCount += f ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(0, wholeCount, "the whole-set split finds no group");
        boolean[] out = CbdScores.withinClasses(lossB, lossC, labels, List.of(0));
        int hits = 0;
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            if (out[i]) {
                hits += i % 100 == 0 ? 1 : 0;
                wrong += i % 100 == 0 ? 0 : 1;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(hits >= 190, "poisoned flagged: " + hits);
        org.junit.jupiter.api.Assertions.assertTrue(wrong <= 20, "clean flagged: " + wrong);
        boolean[] none = CbdScores.withinClasses(lossB, lossC, labels, List.of(3));
        for (boolean f : none) {
            org.junit.jupiter.api.Assertions.assertFalse(f, "a named class whose scores are one population has no flags");
        }
    }

    @Test
    void withoutNamedClassesEveryFlagStays() {
        boolean[] flagged = {true, false, true};
        boolean[] out = CbdScores.withinClasses(flagged, new int[] {3, 1, 2}, List.of());
        assertArrayEquals(flagged, out);
        out[0] = false;
        assertArrayEquals(new boolean[] {true, false, true}, flagged, "the input is not changed");
    }
}
