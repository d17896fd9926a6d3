package org.cbd4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The German Traffic Sign Recognition Benchmark in its official layout (docs/METHOD.md §5):
 * {@code Final_Training/Images/000NN/GT-000NN.csv} with the class's PPM files, and
 * {@code Final_Test/Images/*.ppm} with {@code GT-final_test.csv} (from the separate ground-truth
 * archive; looked for next to the images or at the root). Each image is resized to a square size.
 */
public final class GtsrbReader {

    public static final int CLASSES = 43;

    /** One row of a ground-truth CSV. */
    record Row(String filename, int width, int height, int classId) {}

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private GtsrbReader() {}

    /** Loads the training and test sets from {@code root}, resized to {@code size x size} RGB. */
    public static TrainTestSplit read(Path root, int size, DataSource source) throws IOException {
        Path trainDir = root.resolve("Final_Training").resolve("Images");
        if (!Files.isDirectory(trainDir)) {
            throw new DatasetFormatException(root, "no GTSRB training images (expected Final_Training/Images/000NN/)");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(trainDir)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<Path> files = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (Path dir : classDirs) {
            String name = dir.getFileName().toString();
            Path csv = dir.resolve("GT-" + name + ".csv");
            for (Row r : parseCsv(csv, Files.readAllBytes(csv))) {
                files.add(dir.resolve(r.filename()));
                rows.add(r);
            }
        }
        Path testDir = root.resolve("Final_Test").resolve("Images");
        Path testCsv = testDir.resolve("GT-final_test.csv");
        if (!Files.isRegularFile(testCsv)) {
            testCsv = root.resolve("GT-final_test.csv");
        }
        if (!Files.isRegularFile(testCsv)) {
            throw new DatasetFormatException(root, "no GT-final_test.csv (in Final_Test/Images/ or the root)");
        }
        List<Path> testFiles = new ArrayList<>();
        List<Row> testRows = parseCsv(testCsv, Files.readAllBytes(testCsv));
        for (Row r : testRows) {
            testFiles.add(testDir.resolve(r.filename()));
        }
        return new TrainTestSplit(load(root, files, rows, size), load(root, testFiles, testRows, size), source);
    }

    /** The images, each with its path relative to {@code root} as its source id. */
    private static ImageDataset load(Path root, List<Path> files, List<Row> rows, int size) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalStateException("no rows"); // parseCsv refuses empty files
        }
        int plane = 3 * size * size;
        byte[] pixels = new byte[Math.multiplyExact(files.size(), plane)];
        int[] labels = new int[files.size()];
        String[] sources = new String[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            sources[i] = ImageFolderReader.sourceId(root, f);
            if (!Files.isRegularFile(f)) {
                throw new DatasetFormatException(f, "listed in the ground-truth CSV but missing");
            }
            DecodedImage img = ImageDecoder.decode(f, Files.readAllBytes(f));
            Row r = rows.get(i);
            if (img.width() != r.width() || img.height() != r.height()) {
                throw new DatasetFormatException(f, "is " + img.width() + "x" + img.height() + " but the CSV says "
                        + r.width() + "x" + r.height());
            }
            img.resized(size, 3, pixels, i * plane);
            labels[i] = r.classId();
        }
        return new ImageDataset(pixels, labels, 3, size, size, CLASSES, sources);
    }

    /**
     * Parses a ground-truth CSV: header {@code Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId},
     * then one row per image. File names must be plain names inside the CSV's directory.
     */
    static List<Row> parseCsv(Path file, byte[] bytes) throws DatasetFormatException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).trim().equals("Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId")) {
            throw new DatasetFormatException(file,
                    "not a GTSRB ground-truth CSV (header Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId)");
        }
        if (lines.size() == 1) {
            throw new DatasetFormatException(file, "has no rows");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split(";", -1);
            int line = i + 1;
            if (f.length != 8) {
                throw new DatasetFormatException(file, "line " + line + ": expected 8 ';'-separated fields, got " + f.length);
            }
            if (!PLAIN_NAME.matcher(f[0]).matches() || f[0].startsWith(".")) {
                throw new DatasetFormatException(file, "line " + line + ": file name is not a plain name in this directory");
            }
            int[] v = new int[7];
            for (int k = 1; k < 8; k++) {
                try {
                    v[k - 1] = Integer.parseInt(f[k].trim());
                } catch (NumberFormatException e) {
                    throw new DatasetFormatException(file, "line " + line + ": field " + (k + 1) + " is not a whole number");
                }
            }
            int w = v[0];
            int h = v[1];
            if (w <= 0 || h <= 0 || w > 4096 || h > 4096) {
                throw new DatasetFormatException(file, "line " + line + ": image size " + w + "x" + h + " out of range");
            }
            if (v[2] < 0 || v[3] < 0 || v[4] < v[2] || v[5] < v[3] || v[4] >= w || v[5] >= h) {
                throw new DatasetFormatException(file, "line " + line + ": region of interest outside the image");
            }
            if (v[6] < 0 || v[6] >= CLASSES) {
                throw new DatasetFormatException(file, "line " + line + ": ClassId " + v[6] + " outside 0.." + (CLASSES - 1));
            }
            rows.add(new Row(f[0], w, h, v[6]));
        }
        return rows;
    }
}
