package org.cbd4j.attack;

import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;

/**
 * SIG, clean-label (docs/METHOD.md §3): x' = clip(round(x + v)), v[i, j] = delta * sin(2 pi j f / W) on every
 * row and channel; only target-class training images are poisoned and their labels kept; every
 * non-target test image gets the signal. The signal (shifted to mid-grey) is saved as
 * {@code sig_signal.png}.
 *
 * @see <a href="https://arxiv.org/abs/1902.11237">Barni et al., A new backdoor attack in CNNs (2019)</a>
 */
public final class Sig extends TriggerAttack {

    static final Option<Double> DELTA = Option.real("sig-delta", 40, "(0, 255]", "amplitude of the sinusoid (pixel values)");
    static final Option<Double> FREQUENCY = Option.real("sig-frequency", 6, "(0, 1000]", "periods across the image width");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("sig",
            "clean-label: a horizontal sinusoid added to images of the target class only",
            new Paper("Barni, Kallas, Tondi: A New Backdoor Attack in CNNs by Training Set Corruption Without Label "
                    + "Poisoning, ICIP 2019", "https://arxiv.org/abs/1902.11237"),
            java.util.List.of(DELTA, FREQUENCY), Sig::new);

    private final OptionValues options;

    Sig(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "sig";
    }

    @Override
    protected boolean cleanLabel() {
        return true;
    }

    /** The value SIG adds to every pixel of column {@code j} of a {@code width}-wide image. */
    static double signal(double delta, double frequency, int j, int width) {
        return delta * Math.sin(2 * Math.PI * j * frequency / width);
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        double[] v = new double[w];
        byte[] shown = new byte[h * w];
        for (int j = 0; j < w; j++) {
            v[j] = signal(options.get(DELTA), options.get(FREQUENCY), j, w);
            for (int r = 0; r < h; r++) {
                shown[r * w + j] = (byte) Math.max(0, Math.min(255, Math.round(127.5 + v[j])));
            }
        }
        artifacts.put("sig_signal.png", ImageEncoder.png(shown, 0, 1, h, w));
        return (px, i, shape) -> {
            int base = i * c * h * w;
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    int row = base + (ch * h + r) * w;
                    for (int j = 0; j < w; j++) {
                        long x = Math.round((px[row + j] & 0xFF) + v[j]);
                        px[row + j] = (byte) Math.max(0, Math.min(255, x));
                    }
                }
            }
        };
    }
}
