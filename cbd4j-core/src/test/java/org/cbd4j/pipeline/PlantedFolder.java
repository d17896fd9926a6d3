package org.cbd4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;

/**
 * A generated image folder as a user would have it, with a backdoor already in it: the generated
 * 16x16 gray classes ({@link #images}) as {@code ant/ bee/ cat/ dog/} PNG files, and some
 * images of the other classes stamped with a 3x3 checker patch in the bottom-right corner and
 * filed under {@code ant/} (relabelled to class 0), named {@code planted-NNNN.png}.
 */
final class PlantedFolder {

    static final List<String> CLASSES = List.of("ant", "bee", "cat", "dog");

    private PlantedFolder() {}

    /**
     * Writes {@code n} images under {@code root} (or {@code root/train} and {@code root/test} when
     * {@code split}, a quarter of them in test/ and never planted), {@code planted} of the training
     * ones stamped and moved to {@code ant/}.
     *
     * @return the planted files' paths relative to {@code root}
     */
    static List<String> write(Path root, int n, int planted, long seed, boolean split) throws IOException {
        return write(root, n, planted, seed, split, 30);
    }

    /**
     * As above with the contrast of the class bars over the noise: at 30 tiny-cnn fits the patch
     * well before the classes; at 55 (SyntheticImages' value) it fits the clearest clean images
     * as early as the patch.
     */
    static List<String> write(Path root, int n, int planted, long seed, boolean split, int barContrast)
            throws IOException {
        ImageDataset d = images(n, seed, barContrast);
        byte[] px = d.pixels();
        int testFrom = split ? n - n / 4 : n;
        List<String> plantedFiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String dir = split ? (i >= testFrom ? "test/" : "train/") : "";
            int label = d.label(i);
            String name = String.format(Locale.ROOT, "img-%04d.png", i);
            // Every k-th training image of classes 1..3 carries the trigger, up to `planted` of them.
            if (i < testFrom && label != 0 && plantedFiles.size() < planted && i % 3 == 0) {
                stamp(px, i * 256);
                label = 0;
                name = String.format(Locale.ROOT, "planted-%04d.png", i);
                plantedFiles.add(dir + CLASSES.get(0) + "/" + name);
            }
            Path f = root.resolve(dir + CLASSES.get(label)).resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, ImageEncoder.png(px, i * 256, 1, 16, 16));
        }
        if (plantedFiles.size() < planted) {
            throw new IllegalStateException("only " + plantedFiles.size() + " images could be planted");
        }
        return plantedFiles;
    }

    /**
     * {@code n} 16x16 images, labels cycling 0..3: noise in [0, 100) plus a bar of
     * {@code barContrast} whose position and orientation is the class, away from the corner.
     */
    static ImageDataset images(int n, long seed, int barContrast) {
        java.util.Random rnd = new java.util.Random(seed);
        byte[] px = new byte[n * 256];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            int j = rnd.nextInt(3) - 1;
            for (int r = 0; r < 16; r++) {
                for (int c = 0; c < 16; c++) {
                    boolean bar = switch (labels[i]) {
                        case 0 -> r == 5 + j && c >= 2 && c < 11;
                        case 1 -> c == 5 + j && r >= 2 && r < 11;
                        case 2 -> r == c + j && r >= 2 && r < 11;
                        default -> r + c == 11 + j && r >= 2 && c >= 2 && r < 11;
                    };
                    px[i * 256 + r * 16 + c] = (byte) (rnd.nextInt(100) + (bar ? barContrast : 0));
                }
            }
        }
        return new ImageDataset(px, labels, 1, 16, 16, 4);
    }

    /** The 3x3 checker (255 0 255 / 0 255 0 / 255 0 255) in the bottom-right corner of a 16x16 image. */
    static void stamp(byte[] px, int offset) {
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                px[offset + (13 + r) * 16 + 13 + c] = (byte) ((r + c) % 2 == 0 ? 255 : 0);
            }
        }
    }
}
