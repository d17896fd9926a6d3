package org.cbd4j.attack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;

/**
 * WaNet (docs/METHOD.md §3): a smooth warp as the trigger. A k x k field of uniform(-1, 1) offsets,
 * normalised by its mean absolute value, is upsampled bicubically (align_corners) to H x W; the
 * sampling grid is clamp((identity + s * field / H) * rescale, -1, 1) and images are resampled
 * bilinearly (align_corners). Noise mode: cross-ratio x the backdoor count of further samples are
 * warped with the grid plus uniform(-1, 1) / H noise and keep their labels (recorded as
 * {@code wanet_noise}). The field is saved as {@code wanet_field.csv} (row, col, dx, dy).
 *
 * <p>cbd4j warps once, when the data are poisoned (images stay uint8, rounded); the original
 * warps each batch on the fly with fresh noise.
 *
 * @see <a href="https://arxiv.org/abs/2102.10369">Nguyen and Tran, WaNet (ICLR 2021)</a>
 */
public final class WaNet extends TriggerAttack {

    static final Option<Integer> K = Option.integer("wanet-k", 4, 2, 64, "side of the control grid of the warp");
    static final Option<Double> S = Option.real("wanet-s", 0.5, "[0, 100]", "warp strength");
    static final Option<Double> GRID_RESCALE = Option.real("wanet-grid-rescale", 1, "(0, 10]",
            "factor on the warped grid before clamping");
    static final Option<Double> CROSS_RATIO = Option.real("wanet-cross-ratio", 2, "[0, 10]",
            "noise-warped samples (labels kept) per backdoor sample");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("wanet", "an imperceptible smooth warp of the image",
            new Paper("Nguyen, Tran: WaNet - Imperceptible Warping-based Backdoor Attack, ICLR 2021",
                    "https://arxiv.org/abs/2102.10369"),
            java.util.List.of(K, S, GRID_RESCALE, CROSS_RATIO), WaNet::new);

    private final OptionValues options;
    private float[][] grid; // [2][H*W]: x and y sampling coordinates in [-1, 1]

    WaNet(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "wanet";
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        int h = train.height();
        int w = train.width();
        int k = options.get(K);
        Random rnd = new Random(config.seed() ^ 0x3A9E7L);
        double[][] noise = new double[2][k * k];
        double absSum = 0;
        for (int d = 0; d < 2; d++) {
            for (int j = 0; j < k * k; j++) {
                noise[d][j] = rnd.nextDouble() * 2 - 1;
                absSum += Math.abs(noise[d][j]);
            }
        }
        double meanAbs = absSum / (2 * k * k);
        grid = new float[2][h * w];
        StringBuilder csv = new StringBuilder("row,col,dx,dy\n");
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double[] f = new double[2];
                for (int d = 0; d < 2; d++) {
                    f[d] = bicubic(noise[d], k, r, c, h, w) / meanAbs;
                }
                double idX = w == 1 ? 0 : -1 + 2.0 * c / (w - 1);
                double idY = h == 1 ? 0 : -1 + 2.0 * r / (h - 1);
                grid[0][r * w + c] = (float) clamp((idX + options.get(S) * f[0] / h) * options.get(GRID_RESCALE));
                grid[1][r * w + c] = (float) clamp((idY + options.get(S) * f[1] / h) * options.get(GRID_RESCALE));
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f%n", r, c, f[0], f[1]));
            }
        }
        artifacts.put("wanet_field.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        float[][] g = grid;
        return (px, i, shape) -> warp(px, i, shape, g[0], g[1]);
    }

    @Override
    protected void addExtraSamples(ImageDataset train, AttackConfig config, int[] poisoned, byte[] pixels,
            Map<String, int[]> extra) {
        int count = (int) Math.round(options.get(CROSS_RATIO) * poisoned.length);
        boolean[] taken = new boolean[train.size()];
        for (int i : poisoned) {
            taken[i] = true;
        }
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (!taken[i]) {
                free.add(i);
            }
        }
        Random rnd = new Random(config.seed() ^ 0xC4055L);
        Collections.shuffle(free, rnd);
        int[] chosen = free.subList(0, Math.min(count, free.size())).stream().mapToInt(Integer::intValue).sorted().toArray();
        int hw = train.height() * train.width();
        float[] gx = new float[hw];
        float[] gy = new float[hw];
        for (int i : chosen) {
            for (int j = 0; j < hw; j++) {
                gx[j] = (float) clamp(grid[0][j] + (rnd.nextDouble() * 2 - 1) / train.height());
                gy[j] = (float) clamp(grid[1][j] + (rnd.nextDouble() * 2 - 1) / train.height());
            }
            warp(pixels, i, train, gx, gy);
        }
        extra.put("wanet_noise", chosen);
    }

    private static double clamp(double v) {
        return Math.max(-1, Math.min(1, v));
    }

    /** Bilinear resampling of image {@code i} at grid coordinates in [-1, 1] (align_corners), in place. */
    static void warp(byte[] px, int i, ImageDataset shape, float[] gx, float[] gy) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        int base = i * c * h * w;
        byte[] src = Arrays.copyOfRange(px, base, base + c * h * w);
        for (int j = 0; j < h * w; j++) {
            double x = (gx[j] + 1) / 2 * (w - 1);
            double y = (gy[j] + 1) / 2 * (h - 1);
            int x0 = (int) Math.floor(x);
            int y0 = (int) Math.floor(y);
            int x1 = Math.min(x0 + 1, w - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double ax = x - x0;
            double ay = y - y0;
            for (int ch = 0; ch < c; ch++) {
                int p = ch * h * w;
                double v = (src[p + y0 * w + x0] & 0xFF) * (1 - ax) * (1 - ay) + (src[p + y0 * w + x1] & 0xFF) * ax * (1 - ay)
                        + (src[p + y1 * w + x0] & 0xFF) * (1 - ax) * ay + (src[p + y1 * w + x1] & 0xFF) * ax * ay;
                px[base + p + j] = (byte) Math.round(v);
            }
        }
    }

    /** Bicubic (a = -0.75, align_corners, borders clamped) value of a k x k field at output (r, c) of h x w. */
    static double bicubic(double[] field, int k, int r, int c, int h, int w) {
        double y = h == 1 ? 0 : r * (k - 1.0) / (h - 1);
        double x = w == 1 ? 0 : c * (k - 1.0) / (w - 1);
        int iy = (int) Math.floor(y);
        int ix = (int) Math.floor(x);
        double ty = y - iy;
        double tx = x - ix;
        double sum = 0;
        for (int m = -1; m <= 2; m++) {
            double wy = cubic(m - ty);
            int yy = Math.max(0, Math.min(k - 1, iy + m));
            for (int n = -1; n <= 2; n++) {
                int xx = Math.max(0, Math.min(k - 1, ix + n));
                sum += wy * cubic(n - tx) * field[yy * k + xx];
            }
        }
        return sum;
    }

    /** Keys' cubic convolution kernel with a = -0.75 (PyTorch's choice). */
    private static double cubic(double t) {
        double a = -0.75;
        t = Math.abs(t);
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }
}
