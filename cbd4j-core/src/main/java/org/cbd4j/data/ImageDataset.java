package org.cbd4j.data;

import java.util.Arrays;

/**
 * An immutable labelled image set: uint8 pixels in (N, C, H, W) order and one int label per image,
 * and optionally where each image came from (its source id).
 *
 * <p>Pixels are kept as raw bytes because every attack in docs/METHOD.md §3 stamps its trigger on the raw
 * uint8 image; conversion to float happens per batch.
 *
 * <p>Source ids let a user find an image again: the file's path relative to the data directory
 * (folder, GTSRB), or the file and 0-based position of the record in it (IDX, CIFAR binary:
 * {@code train-images-idx3-ubyte#41}). Subsets, selections and attacks keep them; generated data
 * has none.
 */
public final class ImageDataset {

    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final String[] sources;

    /**
     * Creates a dataset without source ids; the arrays are taken as they are (not copied), so
     * callers must not modify them afterwards.
     */
    public ImageDataset(
            byte[] pixels, int[] labels, int channels, int height, int width, int numClasses) {
        this(pixels, labels, channels, height, width, numClasses, null);
    }

    /**
     * Creates a dataset with one source id per image (or null for none); the arrays are taken as
     * they are (not copied), so callers must not modify them afterwards.
     */
    public ImageDataset(
            byte[] pixels, int[] labels, int channels, int height, int width, int numClasses, String[] sources) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "pixel buffer has " + pixels.length + " bytes, expected " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of image " + i + " is outside 0.." + (numClasses - 1));
            }
        }
        if (sources != null && sources.length != labels.length) {
            throw new IllegalArgumentException(sources.length + " source ids for " + labels.length + " images");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.sources = sources;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Bytes per image (C * H * W). */
    public int imageSize() {
        return channels * height * width;
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Whether the images carry source ids. */
    public boolean hasSources() {
        return sources != null;
    }

    /** Where image {@code i} came from, or null when the dataset has no source ids. */
    public String source(int i) {
        return sources == null ? null : sources[i];
    }

    /** A copy of all source ids, or null when the dataset has none. */
    public String[] sources() {
        return sources == null ? null : sources.clone();
    }

    /** The same images with the given source ids (null: none). */
    public ImageDataset withSources(String[] ids) {
        return new ImageDataset(pixels, labels, channels, height, width, numClasses, ids == null ? null : ids.clone());
    }

    /**
     * Images of the same shape, classes and source ids with other pixels and labels (an attack's
     * stamped and relabelled copy); the arrays are taken as they are.
     */
    public ImageDataset withContent(byte[] newPixels, int[] newLabels) {
        return new ImageDataset(newPixels, newLabels, channels, height, width, numClasses, sources);
    }

    /** A copy of all pixels in (N, C, H, W) order. */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** Unsigned value of one pixel. */
    public int pixel(int image, int channel, int row, int col) {
        return pixels[((image * channels + channel) * height + row) * width + col] & 0xFF;
    }

    /** Copies image {@code i} into {@code dst} at {@code offset}. */
    public void copyImage(int i, byte[] dst, int offset) {
        System.arraycopy(pixels, i * imageSize(), dst, offset, imageSize());
    }

    /** The first {@code n} images (or all of them when n is larger). */
    public ImageDataset limit(int n) {
        if (n >= size()) {
            return this;
        }
        return new ImageDataset(
                Arrays.copyOf(pixels, n * imageSize()),
                Arrays.copyOf(labels, n),
                channels,
                height,
                width,
                numClasses,
                sources == null ? null : Arrays.copyOf(sources, n));
    }

    /**
     * A seeded, class-stratified subset of {@code n} images (all of them when n is larger): each
     * class keeps its share of n (largest remainders get the leftover places), the images of a
     * class are drawn uniformly with {@code seed}, and the kept images stay in their original
     * order. Not simply the first n: the GTSRB and folder loaders return images sorted by class,
     * where the first n would be the first few classes only.
     */
    public ImageDataset subset(int n, long seed) {
        if (n >= size()) {
            return this;
        }
        return select(stratifiedIndices(n, seed));
    }

    /**
     * The indices, ascending, of the seeded class-stratified draw of {@code n} images that
     * {@link #subset} keeps (every index when n is at least the size).
     */
    public int[] stratifiedIndices(int n, long seed) {
        if (n >= size()) {
            return java.util.stream.IntStream.range(0, size()).toArray();
        }
        int[] counts = classCounts();
        int[] quota = new int[numClasses];
        double[] remainder = new double[numClasses];
        int given = 0;
        for (int c = 0; c < numClasses; c++) {
            double exact = (double) n * counts[c] / size();
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        Integer[] byRemainder = new Integer[numClasses];
        for (int c = 0; c < numClasses; c++) {
            byRemainder[c] = c;
        }
        Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (int k = 0; given < n; k++, given++) {
            quota[byRemainder[k % numClasses]]++;
        }
        java.util.Random rnd = new java.util.Random(seed);
        boolean[] keep = new boolean[size()];
        for (int c = 0; c < numClasses; c++) {
            int[] members = new int[counts[c]];
            int m = 0;
            for (int i = 0; i < size(); i++) {
                if (labels[i] == c) {
                    members[m++] = i;
                }
            }
            for (int k = 0; k < quota[c]; k++) { // partial Fisher-Yates: the first quota[c] of a shuffle
                int j = k + rnd.nextInt(members.length - k);
                int t = members[k];
                members[k] = members[j];
                members[j] = t;
                keep[members[k]] = true;
            }
        }
        return java.util.stream.IntStream.range(0, size()).filter(i -> keep[i]).toArray();
    }

    /** The images at the given indices, in that order. */
    public ImageDataset select(int[] indices) {
        byte[] px = new byte[indices.length * imageSize()];
        int[] lb = new int[indices.length];
        String[] src = sources == null ? null : new String[indices.length];
        for (int k = 0; k < indices.length; k++) {
            copyImage(indices[k], px, k * imageSize());
            lb[k] = labels[indices[k]];
            if (src != null) {
                src[k] = sources[indices[k]];
            }
        }
        return new ImageDataset(px, lb, channels, height, width, numClasses, src);
    }

    /** Number of images per class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return size() + " images " + channels + "x" + height + "x" + width + ", " + numClasses
                + " classes";
    }
}
