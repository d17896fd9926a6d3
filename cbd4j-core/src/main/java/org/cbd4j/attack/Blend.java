package org.cbd4j.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.cbd4j.data.DatasetFormatException;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;

/**
 * Blend (docs/METHOD.md §3): x' = round((1 - a) x + a P) per pixel, with a fixed pattern P the size of the
 * image: seeded uniform noise, or an image file the user gives (resized to the images and
 * converted to their channel count). The same P is used at train and test time; it is saved as
 * {@code blend_pattern.png}.
 *
 * @see <a href="https://arxiv.org/abs/1712.05526">Chen et al., Targeted Backdoor Attacks (2017)</a>
 */
public final class Blend extends TriggerAttack {

    static final Option<Double> ALPHA = Option.real("blend-alpha", 0.2, "(0, 1]",
            "weight A of the pattern, x' = (1-A) x + A P");
    static final Option<String> PATTERN = Option.text("blend-pattern", null,
            "PNG/JPEG/BMP/PPM image used as the pattern (resized); unset: seeded uniform noise");

    /** Registry entry. */
    public static final Method<Attack> METHOD = new Method<>("blend", "a fixed pattern blended into the image",
            new Paper("Chen, Liu, Li, Lu, Song: Targeted Backdoor Attacks on Deep Learning Systems Using Data Poisoning, 2017",
                    "https://arxiv.org/abs/1712.05526"),
            java.util.List.of(ALPHA, PATTERN), Blend::new);

    private final OptionValues options;

    Blend(OptionValues options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "blend";
    }

    @Override
    protected Trigger trigger(ImageDataset train, AttackConfig config, Map<String, byte[]> artifacts) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        byte[] pattern = new byte[c * h * w];
        if (options.get(PATTERN) == null) {
            new Random(config.seed() ^ 0xB1E4DL).nextBytes(pattern);
        } else {
            Path file = Path.of(options.get(PATTERN));
            try {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--blend-pattern " + file + " is not a readable file");
                }
                if (h != w) {
                    throw new IllegalArgumentException("--blend-pattern needs square images, these are " + h + "x" + w);
                }
                ImageDecoder.decode(file, Files.readAllBytes(file)).resized(h, c, pattern, 0);
            } catch (DatasetFormatException e) {
                throw new IllegalArgumentException("--blend-pattern " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IllegalArgumentException("--blend-pattern " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        artifacts.put("blend_pattern.png", ImageEncoder.png(pattern, 0, c, h, w));
        double a = options.get(ALPHA);
        int size = c * h * w;
        return (px, i, shape) -> {
            int base = i * size;
            for (int j = 0; j < size; j++) {
                px[base + j] = (byte) Math.round((1 - a) * (px[base + j] & 0xFF) + a * (pattern[j] & 0xFF));
            }
        };
    }
}
