package org.cbd4j.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes image sets in a layout cbd4j (and the usual Python loaders) read back:
 * {@code idx} (gzip IDX, 1-channel; read with --dataset fashion-mnist or mnist --data DIR),
 * {@code cifar} (CIFAR-10 binary, 3x32x32; --dataset cifar10 --data DIR) and {@code folder}
 * (PNG files in DIR/train|test/class-NN/; --dataset folder --data DIR).
 */
public final class DatasetWriter {

    public static final List<String> FORMATS = List.of("idx", "cifar", "folder");

    private DatasetWriter() {}

    /** The format that keeps a dataset of this shape in its own family. */
    public static String defaultFormat(ImageDataset d) {
        if (d.channels() == 1) {
            return "idx";
        }
        return d.channels() == 3 && d.height() == 32 && d.width() == 32 ? "cifar" : "folder";
    }

    /** Refuses a format that cannot hold images of this shape. */
    public static void check(String format, ImageDataset d) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; known: " + String.join(", ", FORMATS));
        }
        if ("idx".equals(format) && d.channels() != 1) {
            throw new IllegalArgumentException("--format idx holds 1-channel images; these have " + d.channels());
        }
        if ("cifar".equals(format) && !(d.channels() == 3 && d.height() == 32 && d.width() == 32)) {
            throw new IllegalArgumentException("--format cifar holds 3x32x32 images; these are " + d.channels() + "x"
                    + d.height() + "x" + d.width());
        }
    }

    /**
     * Writes one split: {@code split} is train, test or another name (e.g. triggered); the file
     * names follow each format's convention (IDX: train-, t10k-, NAME-; CIFAR: data_batch_1,
     * test_batch, NAME_batch).
     */
    public static void write(String format, ImageDataset d, Path dir, String split) throws IOException {
        check(format, d);
        Files.createDirectories(dir);
        switch (format) {
            case "idx" -> {
                String prefix = "test".equals(split) ? "t10k" : split;
                writeIdx(d, dir.resolve(prefix + "-images-idx3-ubyte.gz"), dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
            }
            case "cifar" -> CifarBinaryReader.write(d, dir.resolve(
                    "train".equals(split) ? "data_batch_1.bin" : "test".equals(split) ? "test_batch.bin" : split + "_batch.bin"));
            default -> writeFolder(d, dir.resolve(split));
        }
    }

    static void writeIdx(ImageDataset d, Path images, Path labels) throws IOException {
        try (DataOutputStream out = gzip(images)) {
            out.writeInt(0x00000803);
            out.writeInt(d.size());
            out.writeInt(d.height());
            out.writeInt(d.width());
            out.write(d.pixels());
        }
        try (DataOutputStream out = gzip(labels)) {
            out.writeInt(0x00000801);
            out.writeInt(d.size());
            for (int l : d.labels()) {
                out.writeByte(l);
            }
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream os = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(os, 1 << 16));
    }

    private static void writeFolder(ImageDataset d, Path root) throws IOException {
        byte[] px = d.pixels();
        for (int c = 0; c < d.numClasses(); c++) {
            Files.createDirectories(root.resolve(className(c)));
        }
        for (int i = 0; i < d.size(); i++) {
            byte[] png = ImageEncoder.png(px, i * d.imageSize(), d.channels(), d.height(), d.width());
            Files.write(root.resolve(className(d.label(i))).resolve(String.format(Locale.ROOT, "%06d.png", i)), png);
        }
    }

    /** Class folder names that sort in label order. */
    static String className(int label) {
        return String.format(Locale.ROOT, "class-%03d", label);
    }
}
