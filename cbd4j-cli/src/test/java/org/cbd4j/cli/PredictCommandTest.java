package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cbd predict} on a generated image folder predicts what Evaluator does; bad input fails in one line. */
class PredictCommandTest {

    @TempDir
    static Path tmp;

    static Path run;
    static Path images;
    static ImageDataset test;

    @BeforeAll
    static void trainAndWriteImages() throws Exception {
        run = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--dataset", "synthetic", "--attack", "badnets", "--defense", "cbd",
                "--fb-epochs", "1", "--epochs", "2", "--model", "tiny-cnn", "--batch-size", "32", "--seed", "4",
                "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        // The run's own clean test images (synthetic: 1x16x16, seed 4), 30 of them as PNG files in sub-folders.
        test = SyntheticImages.split(2000, 500, 4).test().limit(30);
        images = tmp.resolve("images");
        for (int i = 0; i < test.size(); i++) {
            Path f = images.resolve("part-" + (i % 3)).resolve(String.format("img-%02d.png", i));
            Files.createDirectories(f.getParent());
            byte[] px = new byte[test.imageSize()];
            test.copyImage(i, px, 0);
            Files.write(f, ImageEncoder.png(px, 0, 1, 16, 16));
        }
    }

    @Test
    void predictOnAFolderGivesTheEvaluatorsClassesAndWritesTheCsv() throws Exception {
        CliTest.Result r = CliTest.run("predict", "--run", run.toString(), "--images", images.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(test.size(), lines.size(), r.out());
        int[] expected;
        try (Network n = Network.load(run.resolve("models"), "f_C", "tiny-cnn", 4, 1, 16, 16)) {
            expected = Evaluator.predict(n, test, 8).classes();
        }
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            assertEquals(3, f.length, line);
            String name = Path.of(f[0]).getFileName().toString();
            int i = Integer.parseInt(name.substring(4, 6));
            assertEquals(images.resolve("part-" + (i % 3)).resolve(name).toString(), f[0]);
            assertEquals("class-" + expected[i], f[1], line);
            double p = Double.parseDouble(f[2]);
            assertTrue(p >= 0.25 && p <= 1, line);
            seen.add(f[1]);
        }
        assertTrue(seen.size() >= 2, "more than one class predicted: " + seen);
        List<String> csv = Files.readAllLines(run.resolve("predictions.csv"));
        assertEquals("path,class_index,class,probability", csv.get(0));
        assertEquals(test.size() + 1, csv.size());
        String[] first = csv.get(1).split(",");
        assertEquals(lines.get(0).split("\t")[1], first[2]);
        assertEquals("class-" + first[1], first[2]);

        // One file, f_B, and --out.
        Path one = images.resolve("part-0").resolve("img-00.png");
        Path out = tmp.resolve("one.csv");
        CliTest.Result b = CliTest.run("predict", "--run", run.toString(), "--images", one.toString(), "--model", "f_B",
                "--out", out.toString());
        assertEquals(0, b.code(), b.err());
        assertEquals(1, b.out().lines().count(), b.out());
        assertEquals(2, Files.readAllLines(out).size());
        assertTrue(b.err().contains("by f_B"), b.err());
    }

    @Test
    void badInputGivesOneErrorLineAndANonZeroExit() throws Exception {
        Path garbage = Files.writeString(Files.createDirectories(tmp.resolve("bad")).resolve("broken.png"), "not an image");
        Path big = tmp.resolve("bad").resolve("big.png");
        Files.write(big, ImageEncoder.png(new byte[20 * 20], 0, 1, 20, 20));
        Path rgb = tmp.resolve("bad").resolve("rgb.png");
        Files.write(rgb, ImageEncoder.png(new byte[3 * 16 * 16], 0, 3, 16, 16));
        String[][] cases = {
            {"--run", tmp.resolve("no-such-run").toString(), "--images", images.toString()},
            {"--run", run.toString(), "--images", garbage.toString()},
            {"--run", run.toString(), "--images", big.toString()},
            {"--run", run.toString(), "--images", rgb.toString()},
            {"--run", run.toString(), "--images", tmp.resolve("nothing-here").toString()},
            {"--run", run.toString(), "--images", images.toString(), "--model", "f_X"},
        };
        String[] says = {"no config.json", "broken.png", "the model takes 16x16 with 1 channel", "with 3 channel",
            "does not exist", "no saved network 'f_X'"};
        for (int k = 0; k < cases.length; k++) {
            String[] args = new String[cases[k].length + 1];
            args[0] = "predict";
            System.arraycopy(cases[k], 0, args, 1, cases[k].length);
            CliTest.Result r = CliTest.run(args);
            assertNotEquals(0, r.code(), String.join(" ", args));
            List<String> err = r.err().lines().toList();
            assertEquals(1, err.size(), r.err());
            assertTrue(err.get(0).startsWith("cbd: error: ") && err.get(0).contains(says[k]), err.get(0));
            assertEquals("", r.out());
        }
    }
}
