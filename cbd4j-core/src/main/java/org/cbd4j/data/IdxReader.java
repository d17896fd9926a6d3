package org.cbd4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (docs/METHOD.md §5): big-endian magic 0x00000803 followed
 * by count, rows and cols for images; 0x00000801 followed by count for labels; raw or gzip.
 *
 * @see <a href="http://yann.lecun.com/exdb/mnist/">The MNIST database</a>
 */
public final class IdxReader {

    static final long IMAGE_MAGIC = 0x00000803L;
    static final long LABEL_MAGIC = 0x00000801L;
    /** No real IDX image set is larger than this on a side; beyond it a header is corrupt. */
    static final int MAX_SIDE = 4096;

    private IdxReader() {}

    /**
     * Reads an image file and its label file into a one-channel dataset. Each image's source id
     * is the image file's name (without {@code .gz}) and its 0-based position there:
     * {@code train-images-idx3-ubyte#41}.
     */
    public static ImageDataset read(Path images, Path labels, int numClasses) throws IOException {
        int[] lab = readLabels(labels, numClasses);
        try (BoundedReader r = BoundedReader.open(images)) {
            long magic = r.readUInt32("magic number");
            if (magic != IMAGE_MAGIC) {
                throw new DatasetFormatException(
                        images, String.format("wrong magic 0x%08X, expected 0x%08X (IDX images)", magic, IMAGE_MAGIC));
            }
            long n = r.readUInt32("image count");
            long rows = r.readUInt32("row count");
            long cols = r.readUInt32("column count");
            if (rows < 1 || rows > MAX_SIDE || cols < 1 || cols > MAX_SIDE) {
                throw new DatasetFormatException(images, "header claims absurd image size " + rows + "x" + cols);
            }
            if (n != lab.length) {
                throw new DatasetFormatException(
                        images, "has " + n + " images but " + labels.getFileName() + " has " + lab.length + " labels");
            }
            byte[] px = r.readExactly(n * rows * cols, "pixel data");
            if (!r.atEnd()) {
                throw new DatasetFormatException(images, "trailing bytes after " + n + " images");
            }
            return new ImageDataset(px, lab, 1, (int) rows, (int) cols, numClasses, positions(images, lab.length));
        }
    }

    /** Reads a label file and checks every label against the class count. */
    public static int[] readLabels(Path labels, int numClasses) throws IOException {
        try (BoundedReader r = BoundedReader.open(labels)) {
            long magic = r.readUInt32("magic number");
            if (magic != LABEL_MAGIC) {
                throw new DatasetFormatException(
                        labels, String.format("wrong magic 0x%08X, expected 0x%08X (IDX labels)", magic, LABEL_MAGIC));
            }
            long n = r.readUInt32("label count");
            byte[] raw = r.readExactly(n, "labels");
            if (!r.atEnd()) {
                throw new DatasetFormatException(labels, "trailing bytes after " + n + " labels");
            }
            int[] out = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = raw[i] & 0xFF;
                if (out[i] >= numClasses) {
                    throw new DatasetFormatException(
                            labels, "label " + out[i] + " at index " + i + " is not below " + numClasses);
                }
            }
            return out;
        }
    }

    /** {@code <file name without .gz>#<i>} for i in 0..n-1: where each record of a data file is. */
    static String[] positions(Path file, int n) {
        String name = file.getFileName().toString().replaceFirst("\\.gz$", "");
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = name + "#" + i;
        }
        return ids;
    }
}
