package org.cbd4j.attack;

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
 * Adap-Blend (Qi et al., ICLR 2023; docs/METHOD.md §3), an {@link AdaptiveAttack}: a blend
 * trigger {@code x' = round((1 - a) x + a P)} whose image is cut into a G x G grid of pieces
 * (piece of pixel (r, c) = (floor(r G / H), floor(c G / W)), so sizes that G does not divide
 * work too). Each payload and cover image gets the pattern, at the training opacity, on
 * {@code G² - round(mask-rate x G²)} pieces drawn afresh per image; the other pieces are left
 * unchanged pixel for pixel. Test images get the whole pattern at the test opacity.
 *
 * <p>P is seeded uniform noise the size of the image, saved as
 * {@code attack/adap_blend_pattern.png}. The paper and its toolbox blend a "hellokitty" photo;
 * cbd4j ships no resource files, so the pattern is generated from the seed instead (it is
 * high-frequency, unlike the photo).
 *
 * <p>Where the defaults come from (the paper's own text could not be read here; the values are
 * those of the authors' toolbox, github.com/vtu81/backdoor-toolbox):
 * <ul>
 *   <li>16 pieces (G = 4) and mask rate 0.5: {@code create_poisoned_set.py} calls the
 *       {@code adaptive_blend} generator with {@code pieces=16, mask_rate=0.5};</li>
 *   <li>training opacity 0.15, test opacity 0.2: the README's CIFAR-10 commands
 *       ({@code -alpha 0.15 -test_alpha 0.2});</li>
 *   <li>cover ratio 1: the same commands use {@code -poison_rate=0.003 -cover_rate=0.003}, 150
 *       payload and 150 cover samples of CIFAR-10's 50,000;</li>
 *   <li>poison rate 0.003: {@code --poison-rate} is shared by every attack and defaults to 0.1,
 *       so it is not set here; give {@code --poison-rate 0.003} or use
 *       {@code presets/adap-blend.yaml}.</li>
 * </ul>
 *
 * @see <a href="https://openreview.net/forum?id=_wSHsgrVali">Qi, Xie, Li, Mahloujifar, Mittal, ICLR 2023</a>
 */
public final class AdapBlend extends AdaptiveAttack {

    static final Option<Double> ALPHA = Option.real("adap-blend-alpha", 0.15, "(0, 1]",
            "opacity of the pattern on the chosen pieces of payload and cover images");
    static final Option<Double> TEST_ALPHA = Option.real("adap-blend-test-alpha", 0.2, "(0, 1]",
            "opacity of the whole pattern on test images");
    static final Option<Integer> GRID = Option.integer("adap-blend-grid", 4, 2, 16,
            "the image is cut into a G x G grid of pieces (4: the paper's 16 pieces)");
    static final Option<Double> MASK_RATE = Option.real("adap-blend-mask-rate", 0.5, "[0, 1)",
            "fraction of the pieces each training image is left without the pattern");
    static final Option<Double> COVER_RATIO = Option.real("adap-blend-cover-ratio", 1, "[0, 10]",
            "cover samples (trigger, true label kept) per payload sample");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("adap-blend",
            "adaptive blend: random half of a grid-cut pattern on training images, label-keeping cover samples",
            new Paper("Qi, Xie, Li, Mahloujifar, Mittal: Revisiting the Assumption of Latent Separability for "
                    + "Backdoor Defenses, ICLR 2023", "https://openreview.net/forum?id=_wSHsgrVali"),
            List.of(ALPHA, TEST_ALPHA, GRID, MASK_RATE, COVER_RATIO), AdapBlend::new);

    private final OptionValues options;
    private final int pieces;
    private final int blended;
    private Parts parts;

    AdapBlend(OptionValues options) {
        super(COVER_RATIO, options);
        this.options = options;
        int g = options.get(GRID);
        pieces = g * g;
        blended = pieces - (int) Math.round(options.get(MASK_RATE) * pieces);
        if (blended < 1) {
            throw new IllegalArgumentException(MASK_RATE.flag() + " " + options.get(MASK_RATE) + " leaves none of the "
                    + pieces + " pieces with the pattern");
        }
    }

    @Override
    public String name() {
        return "adap-blend";
    }

    @Override
    protected int partCount() {
        return pieces;
    }

    @Override
    protected int partsPerSample() {
        return blended;
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
        int g = options.get(GRID);
        if (g > h || g > w) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %d cuts the %dx%d images into empty pieces",
                    GRID.flag(), g, h, w));
        }
        byte[] pattern = new byte[c * h * w];
        new Random(config.seed() ^ 0xADAB1E4DL).nextBytes(pattern);
        artifacts.put("adap_blend_pattern.png", ImageEncoder.png(pattern, 0, c, h, w));
        int[] pieceOf = new int[h * w];
        for (int r = 0; r < h; r++) {
            for (int q = 0; q < w; q++) {
                pieceOf[r * w + q] = (r * g / h) * g + q * g / w;
            }
        }
        double trainAlpha = options.get(ALPHA);
        int size = c * h * w;
        parts = (px, i, shape, chosen) -> {
            boolean[] on = new boolean[pieces];
            for (int p : chosen) {
                on[p] = true;
            }
            for (int j = 0; j < size; j++) {
                if (on[pieceOf[j % (h * w)]]) {
                    px[i * size + j] = blend(px[i * size + j], pattern[j] & 0xFF, trainAlpha);
                }
            }
        };
        double testAlpha = options.get(TEST_ALPHA);
        return (px, i, shape) -> {
            for (int j = 0; j < size; j++) {
                px[i * size + j] = blend(px[i * size + j], pattern[j] & 0xFF, testAlpha);
            }
        };
    }
}
