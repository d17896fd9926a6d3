package org.cbd4j.attack;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;

/**
 * Adap-Patch (Qi et al., ICLR 2023; docs/METHOD.md §3), an {@link AdaptiveAttack} with k small
 * square patch triggers. Patch p has its own training opacity a_p and is blended as
 * {@code x' = round((1 - a_p) x + a_p v)} over its square, on every channel. Each payload and
 * cover image gets {@code --adap-patch-per-sample} of the k patches, drawn afresh per image;
 * test images get all k at the test opacity.
 *
 * <p>The paper's patches are images (phoenix, firefox logo, BadNets and Trojan squares); cbd4j
 * ships no resource files, so the patches are generated from the seed: each pixel of each
 * channel is 0 or 255, and the k squares sit in k distinct cells, drawn from the seed, of the
 * grid of side-s cells that tiles the image. Every pixel of a square is applied (the toolbox
 * skips the black pixels of its images). The layout is saved as
 * {@code attack/adap_patch_layout.csv} (patch, top, left, size, train_alpha) and the patches,
 * on black, as {@code attack/adap_patch_patches.png}.
 *
 * <p>Where the defaults come from (the paper's own text could not be read here; the values are
 * those of the authors' toolbox, github.com/vtu81/backdoor-toolbox):
 * <ul>
 *   <li>k = 4 patches with training opacities 0.5, 0.2, 0.5, 0.3: {@code config.py},
 *       {@code adaptive_patch_train_trigger_alphas['cifar10']};</li>
 *   <li>test opacity 1: {@code adaptive_patch_test_trigger_alphas['cifar10']}. The toolbox tests
 *       with two of its images (one a moved copy of a training patch); cbd4j tests with all k
 *       training patches, which is the asymmetry the paper describes;</li>
 *   <li>one patch per training image: {@code poison_tool_box/adaptive_patch.py} gives each
 *       payload and cover image exactly one trigger, in equal consecutive blocks; cbd4j draws
 *       it per image, so the patches are used about, not exactly, equally often;</li>
 *   <li>cover ratio 2: the README's CIFAR-10 command {@code -poison_rate 0.003 -cover_rate
 *       0.006};</li>
 *   <li>patch side: not stated there (the patches are drawn inside 32x32 images); cbd4j's
 *       default is max(3, round(min(H, W) / 8)), 4 pixels on 28x28 and 32x32 images;</li>
 *   <li>poison rate 0.003: {@code --poison-rate} is shared by every attack and defaults to 0.1;
 *       give {@code --poison-rate 0.003} or use {@code presets/adap-patch.yaml}.</li>
 * </ul>
 *
 * @see <a href="https://openreview.net/forum?id=_wSHsgrVali">Qi, Xie, Li, Mahloujifar, Mittal, ICLR 2023</a>
 */
public final class AdapPatch extends AdaptiveAttack {

    static final Option<String> ALPHAS = Option.text("adap-patch-alphas", "0.5,0.2,0.5,0.3", AdapPatch::validAlphas,
            "2 to 16 comma-separated numbers in (0, 1]",
            "training opacity of each patch; how many are given sets the number of patches");
    static final Option<Double> TEST_ALPHA = Option.real("adap-patch-test-alpha", 1, "(0, 1]",
            "opacity of every patch on test images");
    static final Option<Integer> SIZE = Option.integer("adap-patch-size", 0, 0, 64,
            "side of each square patch; 0 = max(3, round(min(H, W) / 8))");
    static final Option<Integer> PER_SAMPLE = Option.integer("adap-patch-per-sample", 1, 1, 15,
            "patches each payload and cover image carries (fewer than the number of patches)");
    static final Option<Double> COVER_RATIO = Option.real("adap-patch-cover-ratio", 2, "[0, 10]",
            "cover samples (trigger, true label kept) per payload sample");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("adap-patch",
            "adaptive patches: one of k seeded patches per training image, all k at test time, label-keeping cover samples",
            new Paper("Qi, Xie, Li, Mahloujifar, Mittal: Revisiting the Assumption of Latent Separability for "
                    + "Backdoor Defenses, ICLR 2023", "https://openreview.net/forum?id=_wSHsgrVali"),
            List.of(ALPHAS, TEST_ALPHA, SIZE, PER_SAMPLE, COVER_RATIO), AdapPatch::new);

    private final OptionValues options;
    private final double[] alphas;
    private Parts parts;

    AdapPatch(OptionValues options) {
        super(COVER_RATIO, options);
        this.options = options;
        alphas = parseAlphas(options.get(ALPHAS));
        if (options.get(PER_SAMPLE) >= alphas.length) {
            throw new IllegalArgumentException(PER_SAMPLE.flag() + " " + options.get(PER_SAMPLE) + " must be fewer than the "
                    + alphas.length + " patches of " + ALPHAS.flag() + ": training images carry part of the trigger");
        }
    }

    private static boolean validAlphas(String text) {
        try {
            double[] a = parseAlphas(text);
            return a.length >= 2 && a.length <= 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static double[] parseAlphas(String text) {
        String[] parts = text.split(",", -1);
        double[] a = new double[parts.length];
        for (int j = 0; j < parts.length; j++) {
            a[j] = Double.parseDouble(parts[j].trim()); // NumberFormatException is an IllegalArgumentException
            if (!(a[j] > 0 && a[j] <= 1)) {
                throw new IllegalArgumentException("opacity out of (0, 1]: " + a[j]);
            }
        }
        return a;
    }

    @Override
    public String name() {
        return "adap-patch";
    }

    @Override
    protected int partCount() {
        return alphas.length;
    }

    @Override
    protected int partsPerSample() {
        return options.get(PER_SAMPLE);
    }

    @Override
    protected Parts parts() {
        return parts;
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        int k = alphas.length;
        int s = options.get(SIZE) == 0 ? Math.max(3, (int) Math.round(Math.min(h, w) / 8.0)) : options.get(SIZE);
        int rows = h / s;
        int cols = w / s;
        if (rows * cols < k) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d patches of side %d do not fit side by side into the %dx%d images (%s, %s)", k, s, h, w,
                    ALPHAS.flag(), SIZE.flag()));
        }
        Random rnd = new Random(config.seed() ^ 0xADA9A7C4L);
        int[] cells = draw(rows * cols, k, rnd);
        // Shuffle which patch goes to which cell, so patch 0 is not always the top-most one.
        for (int j = k - 1; j > 0; j--) {
            int t = rnd.nextInt(j + 1);
            int tmp = cells[j];
            cells[j] = cells[t];
            cells[t] = tmp;
        }
        int[] top = new int[k];
        int[] left = new int[k];
        byte[][] patch = new byte[k][c * s * s];
        byte[] picture = new byte[c * h * w];
        StringBuilder csv = new StringBuilder("patch,top,left,size,train_alpha\n");
        for (int p = 0; p < k; p++) {
            top[p] = cells[p] / cols * s;
            left[p] = cells[p] % cols * s;
            for (int j = 0; j < patch[p].length; j++) {
                patch[p][j] = (byte) (rnd.nextBoolean() ? 255 : 0);
            }
            stamp(picture, 0, c, h, w, patch[p], top[p], left[p], s, 1);
            csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%s%n", p, top[p], left[p], s, alphas[p]));
        }
        artifacts.put("adap_patch_layout.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        artifacts.put("adap_patch_patches.png", ImageEncoder.png(picture, 0, c, h, w));
        parts = (px, i, shape, chosen) -> {
            for (int p : chosen) {
                stamp(px, i, c, h, w, patch[p], top[p], left[p], s, alphas[p]);
            }
        };
        double testAlpha = options.get(TEST_ALPHA);
        return (px, i, shape) -> {
            for (int p = 0; p < k; p++) {
                stamp(px, i, c, h, w, patch[p], top[p], left[p], s, testAlpha);
            }
        };
    }

    /** Blends an s x s patch (channel-major) into image {@code i} with its top-left at (top, left). */
    private static void stamp(byte[] px, int i, int c, int h, int w, byte[] patch, int top, int left, int s, double a) {
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < s; r++) {
                for (int q = 0; q < s; q++) {
                    int at = ((i * c + ch) * h + top + r) * w + left + q;
                    px[at] = blend(px[at], patch[(ch * s + r) * s + q] & 0xFF, a);
                }
            }
        }
    }
}
