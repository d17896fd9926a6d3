package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cbd4j.data.CifarBinaryReader;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.data.DatasetWriter;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.data.TrainTestSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --export-clean} without training: a flagged mask is given, and the export must read
 * back with the reader of its dataset, holding exactly the unflagged images with their labels.
 */
class CleanExportTest {

    @TempDir
    Path tmp;

    private AuditData load(String dataset, Path dir, Path target) throws Exception {
        AuditConfig cfg = AuditConfig.builder().optDataset(dataset).optDataDir(dir).optImageSize(8).optChannels(1)
                .optExportClean(target).optOut(tmp.resolve("audit")).build();
        return AuditData.load(cfg, ExperimentListener.SILENT);
    }

    private static boolean[] everyThird(int n) {
        boolean[] f = new boolean[n];
        for (int i = 0; i < n; i += 3) {
            f[i] = true;
        }
        return f;
    }

    private static byte[] image(ImageDataset d, int i) {
        byte[] px = new byte[d.imageSize()];
        d.copyImage(i, px, 0);
        return px;
    }

    @Test
    void idxExportHoldsTheUnflaggedImagesAndTheTestFilesAsTheyWere() throws Exception {
        Path dir = tmp.resolve("idx");
        DatasetWriter.write("idx", SyntheticImages.generate(30, 1, 8, 8, 1), dir, "train");
        DatasetWriter.write("idx", SyntheticImages.generate(7, 1, 8, 8, 2), dir, "test");
        Path target = tmp.resolve("idx-clean");
        AuditData d = load("fashion-mnist", dir, target);
        boolean[] flagged = everyThird(30); // 0, 3, ..., 27: 10 images
        assertEquals(20, CleanExport.write("fashion-mnist", d, d.audited(), flagged, target, false));

        TrainTestSplit back = DatasetResolver.defaults().load("fashion-mnist", target, 0);
        assertEquals(20, back.train().size());
        int k = 0;
        for (int i = 0; i < 30; i++) {
            if (!flagged[i]) {
                assertEquals(d.audited().label(i), back.train().label(k), "label of image " + i);
                assertArrayEquals(image(d.audited(), i), image(back.train(), k), "pixels of image " + i);
                k++;
            }
        }
        for (String f : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(target.resolve(f)), f);
        }
    }

    @Test
    void cifarExportKeepsEachBatchFileAndDropsOneLeftEmpty() throws Exception {
        Path dir = tmp.resolve("cifar");
        Files.createDirectories(dir);
        ImageDataset one = SyntheticImages.generate(6, 3, 32, 32, 1);
        ImageDataset two = SyntheticImages.generate(3, 3, 32, 32, 2);
        CifarBinaryReader.write(one, dir.resolve("data_batch_1.bin"));
        CifarBinaryReader.write(two, dir.resolve("data_batch_2.bin"));
        CifarBinaryReader.write(SyntheticImages.generate(4, 3, 32, 32, 3), dir.resolve("test_batch.bin"));
        Path target = tmp.resolve("cifar-clean");
        AuditData d = load("cifar10", dir, target);
        assertEquals(9, d.audited().size());
        // Batch 1: records 1 and 4 flagged; batch 2 (images 6..8): all flagged.
        boolean[] flagged = {false, true, false, false, true, false, true, true, true};
        assertEquals(4, CleanExport.write("cifar10", d, d.audited(), flagged, target, false));

        assertTrue(Files.exists(target.resolve("data_batch_1.bin")));
        assertFalse(Files.exists(target.resolve("data_batch_2.bin")), "a batch with no image left is not written");
        assertEquals(4L * CifarBinaryReader.RECORD, Files.size(target.resolve("data_batch_1.bin")));
        TrainTestSplit back = DatasetResolver.defaults().load("cifar10", target, 0);
        int[] kept = {0, 2, 3, 5};
        for (int k = 0; k < kept.length; k++) {
            assertEquals(one.label(kept[k]), back.train().label(k));
            assertArrayEquals(image(one, kept[k]), image(back.train(), k));
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("test_batch.bin")), Files.readAllBytes(target.resolve("test_batch.bin")));
    }

    private static void png(Path f, int gray) throws Exception {
        byte[] px = new byte[64];
        java.util.Arrays.fill(px, (byte) gray);
        Files.createDirectories(f.getParent());
        Files.write(f, ImageEncoder.png(px, 0, 1, 8, 8));
    }

    @Test
    void folderExportCopiesTheFilesKeepsEveryClassAndWritesWhatAnAttackChangedAsPng() throws Exception {
        Path dir = tmp.resolve("folder");
        png(dir.resolve("train/ant/0.png"), 10);
        png(dir.resolve("train/ant/1.png"), 20);
        png(dir.resolve("train/bee/2.png"), 30);
        png(dir.resolve("train/bee/3.png"), 40);
        png(dir.resolve("train/bee/4.png"), 50);
        png(dir.resolve("test/ant/t0.png"), 60);
        png(dir.resolve("test/bee/t1.png"), 70);
        Path target = tmp.resolve("folder-clean");
        AuditData d = load("folder", dir, target);
        ImageDataset a = d.audited();
        assertEquals(List.of("train/ant/0.png", "train/ant/1.png", "train/bee/2.png", "train/bee/3.png",
                "train/bee/4.png"), List.of(a.sources()));
        // A simulated attack stamped image 0 (all pixels 255) and relabelled it to bee.
        byte[] px = a.pixels();
        java.util.Arrays.fill(px, 0, 64, (byte) 255);
        int[] labels = a.labels();
        labels[0] = 1;
        ImageDataset seen = a.withContent(px, labels);
        boolean[] flagged = {false, true, false, true, false};
        assertEquals(3, CleanExport.write("folder", d, seen, flagged, target, false));

        assertTrue(Files.isDirectory(target.resolve("train/ant")), "a class left without images keeps its folder");
        TrainTestSplit back = DatasetResolver.defaults().load("folder", target, 0,
                new org.cbd4j.data.DataOptions(8, 1, false));
        assertEquals(List.of("train/bee/0-attacked.png", "train/bee/2.png", "train/bee/4.png"),
                List.of(back.train().sources()));
        assertArrayEquals(new int[] {1, 1, 1}, back.train().labels());
        assertEquals(255, back.train().pixel(0, 0, 3, 3), "the attacked image as the audit saw it");
        assertArrayEquals(Files.readAllBytes(dir.resolve("train/bee/2.png")), Files.readAllBytes(target.resolve("train/bee/2.png")));
        assertEquals(List.of("test/ant/t0.png", "test/bee/t1.png"), List.of(back.test().sources()));
        assertArrayEquals(Files.readAllBytes(dir.resolve("test/bee/t1.png")), Files.readAllBytes(target.resolve("test/bee/t1.png")));
    }

    @Test
    void aFailedExportLeavesNothingAndUnsupportedDatasetsAreRefusedUpFront() throws Exception {
        Path dir = tmp.resolve("idx");
        DatasetWriter.write("idx", SyntheticImages.generate(9, 1, 8, 8, 1), dir, "train");
        DatasetWriter.write("idx", SyntheticImages.generate(3, 1, 8, 8, 2), dir, "test");
        Path target = tmp.resolve("out").resolve("clean");
        AuditData d = load("mnist", dir, target);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz")); // vanishes between reading and exporting
        assertThrows(java.io.IOException.class, () -> CleanExport.write("mnist", d, d.audited(), new boolean[9], target, false));
        assertFalse(Files.exists(target));
        try (var s = Files.list(target.getParent())) {
            assertEquals(0, s.count(), "no temporary sibling left");
        }

        var e = assertThrows(IllegalArgumentException.class, () -> AuditConfig.builder().optDataset("gtsrb")
                .optDataDir(dir).optExportClean(tmp.resolve("x")).optOut(tmp.resolve("a")).build());
        assertEquals("--export-clean writes folder, fashion-mnist, mnist and cifar10 data in their own layouts; "
                + "--dataset gtsrb is not one of them", e.getMessage());
    }
}
