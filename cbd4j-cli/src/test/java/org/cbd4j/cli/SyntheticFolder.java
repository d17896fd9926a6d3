package org.cbd4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;

/** Generated 16x16 gray images written as an image folder, {@code class-K/N.png}, for {@code --dataset folder}. */
final class SyntheticFolder {

    private SyntheticFolder() {}

    /** {@code n} images of {@link SyntheticImages} (bars at {@code barContrast}) under {@code dir/class-K/}. */
    static Path write(Path dir, int n, long seed, int barContrast) throws IOException {
        ImageDataset images = SyntheticImages.generate(n, 1, 16, 16, seed, barContrast);
        for (int i = 0; i < images.size(); i++) {
            BufferedImage g = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    g.getRaster().setSample(x, y, 0, images.pixel(i, 0, y, x));
                }
            }
            Path f = dir.resolve("class-" + images.label(i)).resolve(i + ".png");
            Files.createDirectories(f.getParent());
            ImageIO.write(g, "png", f.toFile());
        }
        return dir;
    }

    /** A training and a test set from different seeds: {@code dir/train/class-K/} and {@code dir/test/class-K/}. */
    static Path writeSplit(Path dir, int train, int test, long seed, int barContrast) throws IOException {
        write(dir.resolve("train"), train, seed, barContrast);
        write(dir.resolve("test"), test, seed + 7919, barContrast);
        return dir;
    }

    /** Writes a split for experiments: {@code DIR TRAIN TEST SEED CONTRAST}. */
    public static void main(String[] args) throws IOException {
        writeSplit(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                Integer.parseInt(args[4]));
    }
}
