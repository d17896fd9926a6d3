package org.cbd4j.data;

import java.util.Arrays;

/**
 * An immutable labelled image set: uint8 pixels in (N, C, H, W) order and one int label per image.
 *
 * <p>Pixels are kept as raw bytes because every attack in SPEC §3 stamps its trigger on the raw
 * uint8 image; conversion to float happens per batch.
 */
public final class ImageDataset {

    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;

    /**
     * Creates a dataset; the arrays are taken as they are (not copied), so callers must not modify
     * them afterwards.
     */
    public ImageDataset(
            byte[] pixels, int[] labels, int channels, int height, int width, int numClasses) {
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
        this.pixels = pixels;
        this.labels = labels;
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
                numClasses);
    }

    /** The images at the given indices, in that order. */
    public ImageDataset select(int[] indices) {
        byte[] px = new byte[indices.length * imageSize()];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            copyImage(indices[k], px, k * imageSize());
            lb[k] = labels[indices[k]];
        }
        return new ImageDataset(px, lb, channels, height, width, numClasses);
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
