package org.cbd4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary layout (docs/METHOD.md §5): records of one label byte followed by 3072 bytes
 * (1024 R, 1024 G, 1024 B, row-major 32x32). Training data is {@code data_batch_1..5.bin}, test
 * data {@code test_batch.bin}.
 *
 * @see <a href="https://www.cs.toronto.edu/~kriz/cifar.html">CIFAR-10</a>
 */
public final class CifarBinaryReader {

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int RECORD = 1 + CHANNELS * SIDE * SIDE;
    public static final int CLASSES = 10;

    private CifarBinaryReader() {}

    /** Training batch files that exist in {@code dir}, in order. */
    public static List<Path> trainFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path p = dir.resolve("data_batch_" + i + ".bin");
            if (Files.exists(p)) {
                files.add(p);
            }
        }
        return files;
    }

    /**
     * Reads and concatenates the given batch files. Each image's source id is its batch file and
     * 0-based record number there: {@code data_batch_3.bin#1234}.
     */
    public static ImageDataset read(List<Path> files) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] b = readFile(f);
            parts.add(b);
            total += b.length;
            sources.addAll(List.of(IdxReader.positions(f, b.length / RECORD)));
        }
        int n = (int) (total / RECORD);
        byte[] px = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        int k = 0;
        for (byte[] b : parts) {
            for (int off = 0; off < b.length; off += RECORD, k++) {
                labels[k] = b[off] & 0xFF;
                System.arraycopy(b, off + 1, px, k * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageDataset(px, labels, CHANNELS, SIDE, SIDE, CLASSES, sources.toArray(new String[0]));
    }

    private static byte[] readFile(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new DatasetFormatException(f, "not a readable file");
        }
        long size = Files.size(f);
        if (size == 0 || size % RECORD != 0) {
            throw new DatasetFormatException(
                    f, "size " + size + " is not a positive multiple of the " + RECORD + "-byte CIFAR record (truncated?)");
        }
        if (size > BoundedReader.MAX_PAYLOAD) {
            throw new DatasetFormatException(f, "size " + size + " is too large for one CIFAR batch file");
        }
        byte[] b = Files.readAllBytes(f);
        for (int off = 0; off < b.length; off += RECORD) {
            int label = b[off] & 0xFF;
            if (label >= CLASSES) {
                throw new DatasetFormatException(
                        f, "record " + off / RECORD + " has label " + label + ", not below " + CLASSES);
            }
        }
        return b;
    }

    /** Writes a dataset of 3x32x32 images in this layout (used for exports and test fixtures). */
    public static void write(ImageDataset d, Path file) throws IOException {
        if (d.channels() != CHANNELS || d.height() != SIDE || d.width() != SIDE) {
            throw new IllegalArgumentException("CIFAR binary needs 3x32x32 images, got " + d);
        }
        byte[] out = new byte[d.size() * RECORD];
        for (int i = 0; i < d.size(); i++) {
            out[i * RECORD] = (byte) d.label(i);
            d.copyImage(i, out, i * RECORD + 1);
        }
        Files.write(file, out);
    }
}
