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

/**
 * Blend (docs/METHOD.md §3): x' = round((1 - a) x + a P) per pixel, with a fixed pattern P the size of the
 * image: seeded uniform noise, or an image file the user gives (resized to the images and
 * converted to their channel count). The same P is used at train and test time; it is saved as
 * {@code blend_pattern.png}.
 *
 * @see <a href="https://arxiv.org/abs/1712.05526">Chen et al., Targeted Backdoor Attacks (2017)</a>
 */
public final class Blend extends TriggerAttack {

    private final AttackOptions options;

    public Blend(AttackOptions options) {
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
        if (options.blendPattern() == null) {
            new Random(config.seed() ^ 0xB1E4DL).nextBytes(pattern);
        } else {
            Path file = Path.of(options.blendPattern());
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
        double a = options.blendAlpha();
        int size = c * h * w;
        return (px, i, shape) -> {
            int base = i * size;
            for (int j = 0; j < size; j++) {
                px[base + j] = (byte) Math.round((1 - a) * (px[base + j] & 0xFF) + a * (pattern[j] & 0xFF));
            }
        };
    }
}
