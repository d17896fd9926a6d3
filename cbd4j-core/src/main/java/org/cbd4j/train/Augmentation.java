package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Batch augmentation as tensor ops (docs/METHOD.md §2): random crop with zero padding, horizontal flip and
 * Cutout, each with per-sample random parameters drawn from a seeded {@link Random}.
 *
 * <p>Crop and flip are one batched matrix product per axis, {@code out = S_row x S_col^T}, with a
 * per-sample 0/1 shift matrix (rows shifted out of the image become zero, which is exactly zero
 * padding followed by a crop). DJL's own flip transforms discard their result, so nothing from
 * there is used.
 *
 * @param padding crop padding in pixels (0 disables the crop)
 * @param flip whether to flip horizontally with probability 1/2
 * @param cutout side of the one square hole set to zero (0 disables Cutout)
 */
public record Augmentation(int padding, boolean flip, int cutout) {

    /** No augmentation at all. */
    public static Augmentation none() {
        return new Augmentation(0, false, 0);
    }

    /** The reference augmentation: crop with 4-pixel padding, optional flip, one 3x3 Cutout hole. */
    public static Augmentation reference(boolean flip) {
        return new Augmentation(4, flip, 3);
    }

    public boolean isIdentity() {
        return padding == 0 && !flip && cutout == 0;
    }

    /** Augments a float batch (N, C, H, W); the result lives in {@code x}'s manager. */
    public NDArray apply(NDArray x, Random rnd) {
        if (isIdentity()) {
            return x;
        }
        Shape s = x.getShape();
        int n = (int) s.get(0);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        NDManager m = x.getManager();
        NDArray out = x;
        if (padding > 0 || flip) {
            float[] rows = new float[n * h * h];
            float[] cols = new float[n * w * w];
            for (int i = 0; i < n; i++) {
                int dy = padding > 0 ? rnd.nextInt(2 * padding + 1) - padding : 0;
                int dx = padding > 0 ? rnd.nextInt(2 * padding + 1) - padding : 0;
                boolean f = flip && rnd.nextBoolean();
                for (int r = 0; r < h; r++) {
                    int src = r + dy;
                    if (src >= 0 && src < h) {
                        rows[(i * h + r) * h + src] = 1f;
                    }
                }
                for (int c = 0; c < w; c++) {
                    int src = (f ? w - 1 - c : c) + dx;
                    if (src >= 0 && src < w) {
                        cols[(i * w + c) * w + src] = 1f;
                    }
                }
            }
            // (N,1,H,H) x (N,C,H,W) x (N,1,W,W)^T
            NDArray sr = m.create(rows, new Shape(n, 1, h, h));
            NDArray sc = m.create(cols, new Shape(n, 1, w, w)).transpose(0, 1, 3, 2);
            out = sr.matMul(out).matMul(sc);
        }
        if (cutout > 0) {
            float[] keep = new float[n * h * w];
            java.util.Arrays.fill(keep, 1f);
            for (int i = 0; i < n; i++) {
                int cy = rnd.nextInt(h);
                int cx = rnd.nextInt(w);
                for (int r = Math.max(0, cy - cutout / 2); r < Math.min(h, cy - cutout / 2 + cutout); r++) {
                    for (int c = Math.max(0, cx - cutout / 2); c < Math.min(w, cx - cutout / 2 + cutout); c++) {
                        keep[(i * h + r) * w + c] = 0f;
                    }
                }
            }
            out = out.mul(m.create(keep, new Shape(n, 1, h, w)));
        }
        return out;
    }
}
