package org.cbd4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    static final int N = 32;
    static final int H = 5;
    static final int W = 6;

    /** Pixel (r, c) of sample i holds 1 + i*100 + r*10 + c: every value is unique and non-zero. */
    private static float[] batch() {
        float[] x = new float[N * H * W];
        for (int i = 0; i < N; i++) {
            for (int r = 0; r < H; r++) {
                for (int c = 0; c < W; c++) {
                    x[(i * H + r) * W + c] = 1 + i * 100 + r * 10 + c;
                }
            }
        }
        return x;
    }

    private static float[] run(Augmentation aug, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(batch(), new Shape(N, 1, H, W));
            return aug.apply(x, new Random(seed)).toFloatArray();
        }
    }

    /** Expected value of pixel (r, c) of sample i after a shift (dy, dx) and optional flip. */
    private static float expected(int i, int r, int c, int dy, int dx, boolean flip) {
        int sr = r + dy;
        int sc = (flip ? W - 1 - c : c) + dx;
        return sr < 0 || sr >= H || sc < 0 || sc >= W ? 0f : 1 + i * 100 + sr * 10 + sc;
    }

    private static boolean matches(float[] out, int i, int dy, int dx, boolean flip) {
        for (int r = 0; r < H; r++) {
            for (int c = 0; c < W; c++) {
                if (out[(i * H + r) * W + c] != expected(i, r, c, dy, dx, flip)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void cropWithZeroPaddingShiftsEachSampleWithinThePadding() {
        float[] out = run(new Augmentation(2, false, 0), 1);
        int moved = 0;
        for (int i = 0; i < N; i++) {
            boolean found = false;
            for (int dy = -2; dy <= 2 && !found; dy++) {
                for (int dx = -2; dx <= 2 && !found; dx++) {
                    if (matches(out, i, dy, dx, false)) {
                        found = true;
                        moved += (dy != 0 || dx != 0) ? 1 : 0;
                    }
                }
            }
            assertTrue(found, "sample " + i + " is a zero-padded crop");
        }
        assertTrue(moved > N / 2, "pixels actually move (" + moved + " of " + N + ")");
    }

    @Test
    void flipMirrorsAboutHalfOfTheSamples() {
        float[] out = run(new Augmentation(0, true, 0), 2);
        int flipped = 0;
        for (int i = 0; i < N; i++) {
            boolean f = matches(out, i, 0, 0, true);
            assertTrue(f || matches(out, i, 0, 0, false), "sample " + i);
            flipped += f ? 1 : 0;
        }
        assertTrue(flipped > 4 && flipped < N - 4, flipped + " of " + N + " flipped");
    }

    @Test
    void cutoutZeroesOneSmallSquareAndNothingElse() {
        float[] out = run(new Augmentation(0, false, 3), 3);
        float[] in = batch();
        for (int i = 0; i < N; i++) {
            int zeros = 0;
            for (int k = i * H * W; k < (i + 1) * H * W; k++) {
                if (out[k] == 0f) {
                    zeros++;
                } else {
                    assertEquals(in[k], out[k]);
                }
            }
            assertTrue(zeros >= 1 && zeros <= 9, "sample " + i + " has " + zeros + " zeroed pixels");
        }
    }

    @Test
    void sameSeedSameAugmentationAndIdentityWhenOff() {
        Augmentation ref = Augmentation.reference(true);
        assertArrayEquals(run(ref, 9), run(ref, 9));
        assertArrayEquals(batch(), run(Augmentation.none(), 9));
    }
}
