package org.cbd4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GTSRB's official layout and image folders, generated in a temporary directory. */
class ImageDatasetsTest {

    @TempDir
    Path tmp;

    static final String HEADER = "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n";
    static final DataSource SRC = new DataSource("gtsrb", "x", "--data", Map.of());

    /** Class c's images are solid grey level 10*(c+1), of varying size; returns the root. */
    private Path gtsrb(int classes, int perClass) throws Exception {
        Path root = tmp.resolve("gtsrb");
        StringBuilder testCsv = new StringBuilder(HEADER);
        Path testDir = Files.createDirectories(root.resolve("Final_Test/Images"));
        for (int c = 0; c < classes; c++) {
            String name = String.format("%05d", c);
            Path dir = Files.createDirectories(root.resolve("Final_Training/Images").resolve(name));
            StringBuilder csv = new StringBuilder(HEADER);
            int v = 10 * (c + 1);
            for (int i = 0; i < perClass; i++) {
                int w = 20 + i * 7;
                int h = 25 + c;
                String f = String.format("%05d_%05d.ppm", i, 0);
                Files.write(dir.resolve(f), ImageFormatsTest.solidPpm(w, h, v, v, v));
                csv.append(f).append(';').append(w).append(';').append(h).append(";1;1;").append(w - 2).append(';')
                        .append(h - 2).append(';').append(c).append('\n');
            }
            Files.writeString(dir.resolve("GT-" + name + ".csv"), csv);
            String tf = String.format("%05d.ppm", c);
            Files.write(testDir.resolve(tf), ImageFormatsTest.solidPpm(30, 31, v, v, v));
            testCsv.append(tf).append(";30;31;0;0;29;30;").append(c).append('\n');
        }
        Files.writeString(testDir.resolve("GT-final_test.csv"), testCsv);
        return root;
    }

    @Test
    void gtsrbLayoutLoadsResizedWithClassIdsFromTheCsv() throws Exception {
        TrainTestSplit s = GtsrbReader.read(gtsrb(3, 4), 8, SRC);
        assertEquals(12, s.train().size());
        assertEquals(3, s.test().size());
        assertEquals(3, s.train().channels());
        assertEquals(8, s.train().height());
        assertEquals(43, s.train().numClasses());
        for (int i = 0; i < s.train().size(); i++) {
            int c = s.train().label(i);
            assertEquals(10 * (c + 1), s.train().pixel(i, 2, 7, 7), "a solid image stays solid after resizing");
        }
        assertArrayEquals(new int[] {0, 1, 2}, s.test().labels());
        // Every image names its file relative to the data directory.
        assertEquals("Final_Training/Images/00000/00000_00000.ppm", s.train().source(0));
        assertEquals("Final_Training/Images/00002/00003_00000.ppm", s.train().source(11));
        assertEquals("Final_Test/Images/00001.ppm", s.test().source(1));
        for (int i = 0; i < s.train().size(); i++) {
            assertTrue(Files.isRegularFile(tmp.resolve("gtsrb").resolve(s.train().source(i))), s.train().source(i));
        }
    }

    @Test
    void malformedGtsrbCsvRowsAreRefusedByLine() throws Exception {
        Path f = tmp.resolve("GT.csv");
        for (String[] bad : new String[][] {
            {"../../etc/passwd;10;10;0;0;5;5;0", "not a plain name"},
            {"a.ppm;10;10;0;0;5;5;43", "ClassId 43"},
            {"a.ppm;10;10;0;0;5", "expected 8"},
            {"a.ppm;ten;10;0;0;5;5;1", "field 2 is not a whole number"},
            {"a.ppm;10;10;0;0;10;5;1", "region of interest"},
            {"a.ppm;0;10;0;0;0;5;1", "image size"}}) {
            var e = assertThrows(DatasetFormatException.class,
                    () -> GtsrbReader.parseCsv(f, (HEADER + bad[0] + "\n").getBytes()));
            assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains(bad[1]), e.getMessage());
        }
        var e = assertThrows(DatasetFormatException.class, () -> GtsrbReader.parseCsv(f, "a;b\n".getBytes()));
        assertTrue(e.getMessage().contains("not a GTSRB ground-truth CSV"), e.getMessage());
    }

    @Test
    void gtsrbImagesThatDisagreeWithTheCsvOrAreMissingAreNamed() throws Exception {
        Path root = gtsrb(2, 2);
        Path img = root.resolve("Final_Training/Images/00001/00001_00000.ppm");
        Files.write(img, ImageFormatsTest.solidPpm(5, 5, 1, 1, 1));
        var e = assertThrows(DatasetFormatException.class, () -> GtsrbReader.read(root, 8, SRC));
        assertTrue(e.getMessage().startsWith(img.toString()) && e.getMessage().contains("CSV says"), e.getMessage());
        Files.delete(img);
        e = assertThrows(DatasetFormatException.class, () -> GtsrbReader.read(root, 8, SRC));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    private static void png(Path file, int gray) throws Exception {
        BufferedImage g = new BufferedImage(6, 5, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                g.getRaster().setSample(x, y, 0, gray);
            }
        }
        Files.createDirectories(file.getParent());
        Files.write(file, ImageFormatsTest.encode(g, "png"));
    }

    @Test
    void foldersGiveSortedClassesAndUnreadableFilesFailOrAreSkipped() throws Exception {
        Path root = tmp.resolve("folder");
        png(root.resolve("zebra/a.png"), 200);
        png(root.resolve("ant/b.PNG"), 50);
        png(root.resolve("ant/c.png"), 60);
        Files.writeString(root.resolve("ant/notes.txt"), "ignored: not an image extension");
        Files.write(root.resolve("zebra/d.bmp"), ImageFormatsTest.solidPpm(2, 2, 9, 9, 9)); // a PPM named .bmp decodes by content
        ImageFolderReader.Result r = ImageFolderReader.read(root, 4, 1, false);
        assertEquals(java.util.List.of("ant", "zebra"), r.classes());
        assertArrayEquals(new int[] {0, 0, 1, 1}, r.images().labels());
        assertEquals(50, r.images().pixel(0, 0, 1, 1));
        assertEquals(200, r.images().pixel(2, 0, 3, 3));
        assertArrayEquals(new String[] {"ant/b.PNG", "ant/c.png", "zebra/a.png", "zebra/d.bmp"}, r.images().sources());

        Path broken = root.resolve("zebra/e.jpg");
        Files.writeString(broken, "not really a jpeg");
        var e = assertThrows(DatasetFormatException.class, () -> ImageFolderReader.read(root, 4, 1, false));
        assertTrue(e.getMessage().startsWith(broken.toString()) && e.getMessage().contains("--skip-unreadable"), e.getMessage());
        ImageFolderReader.Result skipped = ImageFolderReader.read(root, 4, 3, true);
        assertEquals(java.util.List.of(broken.toString()), skipped.skipped());
        assertEquals(4, skipped.images().size());
        assertArrayEquals(r.images().sources(), skipped.images().sources(), "a skipped file has no row, the others keep theirs");
        assertEquals(3, skipped.images().channels());
    }

    @Test
    void aFolderWithoutTrainAndTestIsSplitPerClassBySeed() throws Exception {
        Path root = tmp.resolve("f2");
        for (int i = 0; i < 10; i++) {
            png(root.resolve("a/" + i + ".png"), i);
            png(root.resolve("b/" + i + ".png"), 100 + i);
        }
        DatasetResolver r = new DatasetResolver(tmp.resolve("cache"), "http://127.0.0.1:9/", false, tmp.resolve("none"));
        TrainTestSplit s1 = r.load("folder", root, 1, new DataOptions(8, 1, false));
        assertEquals(16, s1.train().size());
        assertArrayEquals(new int[] {2, 2}, s1.test().classCounts(), "20 % of each class held out");
        TrainTestSplit again = r.load("folder", root, 1, new DataOptions(8, 1, false));
        assertArrayEquals(s1.test().pixels(), again.test().pixels(), "same seed, same split");
        TrainTestSplit other = r.load("folder", root, 2, new DataOptions(8, 1, false));
        assertTrue(!java.util.Arrays.equals(s1.test().pixels(), other.test().pixels()), "another seed, another split");
        // The split keeps each image's file: grey level i is a/i.png, 100 + i is b/i.png.
        for (ImageDataset part : java.util.List.of(s1.train(), s1.test())) {
            for (int i = 0; i < part.size(); i++) {
                int grey = part.pixel(i, 0, 3, 3);
                assertEquals(grey < 100 ? "a/" + grey + ".png" : "b/" + (grey - 100) + ".png", part.source(i));
            }
        }
    }

    @Test
    void aFolderWithTrainAndTestNamesFilesFromTheDataDirectory() throws Exception {
        Path root = tmp.resolve("f3");
        png(root.resolve("train/a/x.png"), 10);
        png(root.resolve("train/b/y.png"), 20);
        png(root.resolve("test/a/z.png"), 30);
        png(root.resolve("test/b/w.png"), 40);
        DatasetResolver r = new DatasetResolver(tmp.resolve("cache"), "http://127.0.0.1:9/", false, tmp.resolve("none"));
        TrainTestSplit s = r.load("folder", root, 1, new DataOptions(8, 1, false));
        assertArrayEquals(new String[] {"train/a/x.png", "train/b/y.png"}, s.train().sources());
        assertArrayEquals(new String[] {"test/a/z.png", "test/b/w.png"}, s.test().sources());
    }

    @Test
    void sourceIdsFollowTheImagesThroughSubsetsSelectionsAndLimits() {
        int[] labels = new int[40];
        byte[] px = new byte[40];
        String[] ids = new String[40];
        for (int i = 0; i < 40; i++) {
            labels[i] = i % 4;
            px[i] = (byte) i;
            ids[i] = "img-" + i;
        }
        ImageDataset d = new ImageDataset(px, labels, 1, 1, 1, 4, ids);
        // The pixel names the original index, so each kept image must carry that index's id.
        for (ImageDataset part : java.util.List.of(d.subset(10, 3), d.select(new int[] {7, 2, 31}), d.limit(5))) {
            for (int i = 0; i < part.size(); i++) {
                assertEquals("img-" + part.pixel(i, 0, 0, 0), part.source(i));
            }
        }
        assertArrayEquals(new String[] {"img-7", "img-2", "img-31"}, d.select(new int[] {7, 2, 31}).sources());
        assertEquals(null, new ImageDataset(px, labels, 1, 1, 1, 4).source(3), "generated data has no source ids");
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(px, labels, 1, 1, 1, 4, new String[3]));
    }

    @Test
    void limitTrainKeepsEveryClassInProportionFromASeededDraw() {
        // Sorted by class, as the GTSRB and folder loaders return it: 3 classes of 50, 30, 20.
        int[] labels = new int[100];
        byte[] px = new byte[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
            px[i] = (byte) i; // the pixel names the original index
        }
        ImageDataset sorted = new ImageDataset(px, labels, 1, 1, 1, 3);
        ImageDataset sub = sorted.subset(10, 7);
        assertArrayEquals(new int[] {5, 3, 2}, sub.classCounts(), "each class keeps its share");
        int last = -1;
        for (int i = 0; i < sub.size(); i++) {
            int original = sub.pixel(i, 0, 0, 0);
            assertTrue(original > last, "original order kept");
            last = original;
        }
        assertEquals(sub.classCounts().length, sorted.subset(10, 7).classCounts().length);
        assertArrayEquals(pixels(sub), pixels(sorted.subset(10, 7)), "same seed, same subset");
        boolean differs = false;
        for (long seed = 8; seed < 12 && !differs; seed++) {
            differs = !java.util.Arrays.equals(pixels(sub), pixels(sorted.subset(10, seed)));
        }
        assertTrue(differs, "another seed draws other images");
        assertEquals(7, sorted.subset(7, 1).size(), "largest remainders fill up to n");
        assertEquals(100, sorted.subset(500, 1).size());
    }

    private static int[] pixels(ImageDataset d) {
        int[] out = new int[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.pixel(i, 0, 0, 0);
        }
        return out;
    }
}
