package org.cbd4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;

/**
 * What every test of this module shares, made once per test JVM: one local Spark session
 * (local[2], driver on 127.0.0.1, no UI; starting Spark takes seconds) and one finished CBD run
 * trained in-process on a generated folder of PNG files, with a patch planted on some images.
 */
final class TinyRun {

    static final List<String> CLASSES = List.of("ant", "bee", "cat", "dog");
    static final int IMAGES = 400;

    private static Path root;
    private static Path data;
    private static Path run;
    private static SparkSession spark;

    private TinyRun() {}

    /** The shared session; never stopped (the JVM ends with the tests). */
    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("cbd4j-spark tests")
                    .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        }
        return spark;
    }

    /** The generated folder: {@code ant/ bee/ cat/ dog/}, 100 images each, 16x16 gray PNG. */
    static synchronized Path data() throws IOException {
        make();
        return data;
    }

    /** The finished run: cbd with tiny-cnn on {@link #data}, models/f_B and f_C saved. */
    static synchronized Path run() throws IOException {
        make();
        return run;
    }

    /** A fresh directory for one test. */
    static synchronized Path dir(String name) throws IOException {
        make();
        return Files.createTempDirectory(root, name);
    }

    /** A new folder with the first {@code perClass} images of each class of {@link #data}. */
    static synchronized Path smallFolder(String name, int perClass) throws IOException {
        Path in = dir(name).resolve("images");
        for (String c : CLASSES) {
            Files.createDirectories(in.resolve(c));
            try (Stream<Path> s = Files.list(data.resolve(c))) {
                for (Path f : s.sorted().limit(perClass).toList()) {
                    Files.copy(f, in.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        return in;
    }

    private static void make() throws IOException {
        if (run != null) {
            return;
        }
        root = Files.createTempDirectory("cbd4j-spark-test");
        Path made = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made)));
        data = root.resolve("images");
        write(data);
        run = root.resolve("run");
        Experiment.run(ExperimentConfig.builder().optDataset("folder").optDataDir(data).optImageSize(16).optChannels(1)
                .optDefense("cbd").optModel("tiny-cnn").optEpochs(1).opt("fb-max-epochs", 2).opt("inversion-steps", 20)
                .optBatchSize(32).opt("lr", 0.1).opt("no-flip", true).optSeed(3).optOut(run).build());
    }

    /** Removes the test files when the test JVM ends. */
    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cbd4j-spark tests: could not remove " + dir + ": " + e.getMessage());
        }
    }

    /**
     * {@link #IMAGES} images, labels cycling 0..3: noise in [0, 100) plus a bar of 30 whose
     * position and orientation is the class; every third image of classes 1..3, up to 40, gets a
     * 3x3 checker in the bottom-right corner and is filed under ant/ as planted-NNNN.png.
     */
    private static void write(Path dir) throws IOException {
        Random rnd = new Random(9);
        int planted = 0;
        for (int i = 0; i < IMAGES; i++) {
            int label = i % 4;
            int j = rnd.nextInt(3) - 1;
            byte[] px = new byte[256];
            for (int r = 0; r < 16; r++) {
                for (int c = 0; c < 16; c++) {
                    boolean bar = switch (label) {
                        case 0 -> r == 5 + j && c >= 2 && c < 11;
                        case 1 -> c == 5 + j && r >= 2 && r < 11;
                        case 2 -> r == c + j && r >= 2 && r < 11;
                        default -> r + c == 11 + j && r >= 2 && c >= 2 && r < 11;
                    };
                    px[r * 16 + c] = (byte) (rnd.nextInt(100) + (bar ? 30 : 0));
                }
            }
            String name = String.format(Locale.ROOT, "img-%04d.png", i);
            if (label != 0 && planted < 40 && i % 3 == 0) {
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < 3; c++) {
                        px[(13 + r) * 16 + 13 + c] = (byte) ((r + c) % 2 == 0 ? 255 : 0);
                    }
                }
                label = 0;
                name = String.format(Locale.ROOT, "planted-%04d.png", i);
                planted++;
            }
            Path f = dir.resolve(CLASSES.get(label)).resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, ImageEncoder.png(px, 0, 1, 16, 16));
        }
    }
}
