package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PcaTest {

    private static final double R2 = Math.sqrt(2);

    /**
     * Centred rows (2,2), (-2,-2), (1,-1), (-1,1) around (10, 20): X^T X = [[10, 6], [6, 10]],
     * covariance (n - 1 = 3) [[10/3, 2], [2, 10/3]] with eigenvalues 16/3 along (1,1)/sqrt 2 and
     * 4/3 along (1,-1)/sqrt 2 (equal largest entries: the first is made positive).
     */
    @Test
    void recoversTheKnownAxesVariancesAndCoordinates() {
        float[][] rows = {{12, 22}, {8, 18}, {11, 19}, {9, 21}};
        Pca.Projection p = Pca.project(rows, 2);
        assertArrayEquals(new double[] {10, 20}, p.mean(), 1e-12);
        assertArrayEquals(new double[] {1 / R2, 1 / R2}, p.components()[0], 1e-9);
        assertArrayEquals(new double[] {1 / R2, -1 / R2}, p.components()[1], 1e-9);
        assertArrayEquals(new double[] {16.0 / 3, 4.0 / 3}, p.variances(), 1e-9);
        assertArrayEquals(new double[] {2 * R2, 0}, p.coordinates()[0], 1e-9);
        assertArrayEquals(new double[] {-2 * R2, 0}, p.coordinates()[1], 1e-9);
        assertArrayEquals(new double[] {0, R2}, p.coordinates()[2], 1e-9);
        assertArrayEquals(new double[] {0, -R2}, p.coordinates()[3], 1e-9);
    }

    /** Points spread along (3,4)/5 with a small spread across it: the first axis is (0.6, 0.8). */
    @Test
    void findsTheLongAxisOfAnElongatedCloudWithAFixedSign() {
        float[][] rows = new float[8][];
        float[][] negated = new float[8][];
        for (int i = 0; i < 8; i++) {
            double t = i - 3.5;
            // +,-,-,+,+,-,-,+: uncorrelated with t, so the long axis is exactly (3,4)/5
            double s = (i % 4 == 0 || i % 4 == 3 ? 0.1 : -0.1);
            rows[i] = new float[] {(float) (3 * t - 4 * s), (float) (4 * t + 3 * s)};
            negated[i] = new float[] {-rows[i][0], -rows[i][1]};
        }
        Pca.Projection p = Pca.project(rows, 1);
        assertArrayEquals(new double[] {0.6, 0.8}, p.components()[0], 1e-6);
        // 5 t along the axis: variance of 5 * (-3.5 .. 3.5) = 25 * 6 = 150.
        assertEquals(150, p.variances()[0], 0.01);
        Pca.Projection q = Pca.project(negated, 1);
        assertArrayEquals(p.components()[0], q.components()[0], 1e-9);
        for (int i = 0; i < 8; i++) {
            assertEquals(-p.coordinates()[i][0], q.coordinates()[i][0], 1e-9);
        }
    }

    @Test
    void identicalRowsProjectToZero() {
        Pca.Projection p = Pca.project(new float[][] {{1, 2, 3}, {1, 2, 3}}, 2);
        assertArrayEquals(new double[] {0, 0}, p.coordinates()[1], 0);
        assertArrayEquals(new double[] {1, 0, 0}, p.components()[0], 0);
    }
}
