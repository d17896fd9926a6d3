package org.cbd4j.attack;

import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;

/**
 * SIG, clean-label (docs/METHOD.md §3): x' = clip(round(x + v)), v[i, j] = delta * sin(2 pi j f / W) on every
 * row and channel; only target-class training images are poisoned and their labels kept; every
 * non-target test image gets the signal. The signal (shifted to mid-grey) is saved as
 * {@code sig_signal.png}.
 *
 * @see <a href="https://arxiv.org/abs/1902.11237">Barni et al., A new backdoor attack in CNNs (2019)</a>
 */
public final class Sig extends TriggerAttack {

    private final AttackOptions options;

    public Sig(AttackOptions options) {
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
            v[j] = signal(options.sigDelta(), options.sigFrequency(), j, w);
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
