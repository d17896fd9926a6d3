package org.cbd4j.data;

import java.util.Map;
import java.util.Random;

/**
 * Generated labelled images for tests, examples and benchmarks: each class is a faint bar at its
 * own position and orientation on a strongly noisy background, learnable by a tiny network in a
 * few epochs but slower than a crisp trigger, and free of any corner pattern so that a BadNets
 * trigger is unambiguous.
 */
public final class SyntheticImages {

    public static final int CLASSES = 4;

    private SyntheticImages() {}

    /** A 1x16x16 training and test set drawn from one seed. */
    public static TrainTestSplit split(int trainSize, int testSize, long seed) {
        ImageDataset train = generate(trainSize, 1, 16, 16, seed);
        ImageDataset test = generate(testSize, 1, 16, 16, seed + 7919);
        return new TrainTestSplit(train, test,
                new DataSource("synthetic", "generated", "SyntheticImages seed " + seed, Map.of()));
    }

    /** Brightness a class's bar adds to the noise in [0, 100) of {@link #generate(int, int, int, int, long)}. */
    public static final int BAR_CONTRAST = 55;

    /** {@code n} images of the given shape with balanced labels 0..CLASSES-1, bars at {@link #BAR_CONTRAST}. */
    public static ImageDataset generate(int n, int channels, int height, int width, long seed) {
        return generate(n, channels, height, width, seed, BAR_CONTRAST);
    }

    /**
     * As {@link #generate(int, int, int, int, long)} with the bars' contrast given. At 55 a tiny
     * network fits the clearest clean images about as early as a crisp trigger; at 30 it fits the
     * trigger well before the classes, which is what CBD's stage 1 relies on and what real data
     * shows, so tests of CBD's end result use 30.
     */
    public static ImageDataset generate(int n, int channels, int height, int width, long seed, int barContrast) {
        Random rnd = new Random(seed);
        byte[] px = new byte[n * channels * height * width];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            labels[i] = label;
            int jitter = rnd.nextInt(5) - 2;
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < height; r++) {
                    for (int col = 0; col < width; col++) {
                        // Faint bars in strong noise: a network needs a few epochs for the classes,
                        // while a crisp 0/255 trigger is learned at once (as on real data).
                        int v = rnd.nextInt(100);
                        if (onBar(label, r, col, height, width, jitter)) {
                            v += barContrast;
                        }
                        px[((i * channels + c) * height + r) * width + col] = (byte) v;
                    }
                }
            }
        }
        return new ImageDataset(px, labels, channels, height, width, CLASSES);
    }

    private static boolean onBar(int label, int r, int c, int h, int w, int jitter) {
        // Bars stay away from the last 4 rows/cols so the BadNets corner is always background.
        int lim = h - 5;
        return switch (label) {
            case 0 -> r == h / 3 + jitter && c >= 2 && c < lim;
            case 1 -> c == w / 3 + jitter && r >= 2 && r < lim;
            case 2 -> r == c + jitter && r >= 2 && r < lim;
            default -> r + c == lim + jitter && r >= 2 && c >= 2 && r < lim;
        };
    }
}
