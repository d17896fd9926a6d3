package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BimodalTest {

    @Test
    void twoTightGroupsSplitInTheGapWithTheirOwnMeans() {
        // {0, 1, 2} x 10 and {10, 11} x 10: the mixture fits each group exactly (means 1 and 10.5,
        // variances 2/3 and 1/4), so D = sqrt(2) * 9.5 / sqrt(2/3 + 1/4).
        double[] v = new double[50];
        for (int i = 0; i < 10; i++) {
            v[5 * i] = 0;
            v[5 * i + 1] = 1;
            v[5 * i + 2] = 2;
            v[5 * i + 3] = 10;
            v[5 * i + 4] = 11;
        }
        Bimodal.Split s = Bimodal.split(v);
        assertEquals(30, s.lowCount());
        assertEquals(20, s.highCount());
        assertEquals(1.0, s.lowMean(), 1e-6);
        assertEquals(10.5, s.highMean(), 1e-6);
        assertEquals(Math.sqrt(2) * 9.5 / Math.sqrt(2.0 / 3 + 0.25), s.ashmanD(), 1e-4);
        assertTrue(s.threshold() > 2 && s.threshold() < 10, "threshold " + s.threshold());
        assertTrue(s.separated());
    }

    @Test
    void aMinorityPopulationFarAboveIsFlaggedAlmostExactly() {
        Random r = new Random(1);
        double[] v = new double[10_000];
        boolean[] truth = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            truth[i] = i % 10 == 0;
            v[i] = truth[i] ? 8 + r.nextGaussian() : r.nextGaussian();
        }
        Bimodal.Split s = Bimodal.split(v);
        boolean[] flagged = Bimodal.highGroup(v, s);
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < v.length; i++) {
            tp += flagged[i] && truth[i] ? 1 : 0;
            fp += flagged[i] && !truth[i] ? 1 : 0;
        }
        assertTrue(tp >= 990, "recall " + tp);
        assertTrue(fp <= 10, "false positives " + fp);
    }

    @Test
    void oneGaussianIsNotSeparatedAndFlagsNothing() {
        Random r = new Random(2);
        double[] v = new double[10_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        Bimodal.Split s = Bimodal.split(v);
        assertFalse(s.separated(), "D = " + s.ashmanD());
        for (boolean f : Bimodal.highGroup(v, s)) {
            assertFalse(f);
        }
    }

    @Test
    void constantAndEmptyInputsDoNotSplit() {
        assertFalse(Bimodal.split(new double[] {3, 3, 3}).separated());
        assertFalse(Bimodal.split(new double[] {}).separated());
        assertFalse(Bimodal.split(new double[] {Double.NaN, 1}).separated());
    }
}
