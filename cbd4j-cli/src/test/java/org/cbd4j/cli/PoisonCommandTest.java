package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cbd4j.attack.AttackConfig;
import org.cbd4j.attack.Attacks;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.DecodedImage;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.data.TrainTestSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoisonCommandTest {

    @TempDir
    Path tmp;

    private static ImageDataset readIdx(Path dir, String prefix) throws Exception {
        return org.cbd4j.data.IdxReader.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 10);
    }

    @Test
    void poisonWritesAReadableCopyWithIndicesArtefactsAndPreview() throws Exception {
        Path out = tmp.resolve("p");
        CliTest.Result r = CliTest.run("poison", "--dataset", "synthetic", "--attack", "blend", "--poison-rate", "0.05",
                "--target", "2", "--seed", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());

        TrainTestSplit clean = SyntheticImages.split(2000, 500, 4);
        PoisonedData expected = Attacks.create("blend").poison(clean.train(), clean.test(),
                new AttackConfig(0.05, 2, false, 4));
        ImageDataset train = readIdx(out, "train");
        assertArrayEquals(expected.train().pixels(), train.pixels(), "the written training set is the attack's output");
        assertArrayEquals(expected.train().labels(), train.labels());
        assertArrayEquals(clean.test().pixels(), readIdx(out, "t10k").pixels(), "the test set stays clean");
        ImageDataset triggered = readIdx(out, "triggered");
        assertArrayEquals(expected.triggeredTest().pixels(), triggered.pixels());

        List<String> idx = Files.readAllLines(out.resolve("poisoned_indices.csv"));
        assertEquals(101, idx.size(), "header + 5 % of 2000");
        assertEquals(String.valueOf(expected.poisonedIndices()[0]), idx.get(1));
        assertTrue(Files.exists(out.resolve("attack/blend_pattern.png")));
        DecodedImage preview = ImageDecoder.decode(out.resolve("preview.png"), Files.readAllBytes(out.resolve("preview.png")));
        assertTrue(preview.width() > 8 * 16 * 4, "8 pairs, images scaled x4");
        String provenance = Files.readString(out.resolve("poison.json"));
        assertTrue(provenance.contains("\"seed\" : 4") && provenance.contains("\"blend-alpha\" : 0.2"), provenance);

        // Same seed, same bytes; another seed, other indices.
        Path again = tmp.resolve("again");
        assertEquals(0, CliTest.run("poison", "--dataset", "synthetic", "--attack", "blend", "--poison-rate", "0.05",
                "--target", "2", "--seed", "4", "--out", again.toString()).code());
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "poisoned_indices.csv",
            "attack/blend_pattern.png", "preview.png"}) {
            assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
        Path other = tmp.resolve("other");
        assertEquals(0, CliTest.run("poison", "--dataset", "synthetic", "--attack", "blend", "--poison-rate", "0.05",
                "--target", "2", "--seed", "5", "--out", other.toString()).code());
        assertFalse(Files.readString(out.resolve("poisoned_indices.csv")).equals(Files.readString(other.resolve("poisoned_indices.csv"))));
    }

    @Test
    void threeChannelThirtyTwoPixelDataIsWrittenInCifarLayoutAndOtherShapesAsFolders() throws Exception {
        Path out = tmp.resolve("w");
        assertEquals(0, CliTest.run("poison", "--dataset", "synthetic", "--attack", "wanet", "--format", "folder",
                "--out", out.toString()).code());
        assertTrue(Files.isDirectory(out.resolve("train/class-000")));
        assertTrue(Files.isRegularFile(out.resolve("wanet_noise_indices.csv")));
        assertTrue(Files.isRegularFile(out.resolve("attack/wanet_field.csv")));
        CliTest.Result r = CliTest.run("poison", "--dataset", "synthetic", "--attack", "wanet", "--format", "cifar",
                "--out", tmp.resolve("c").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--format cifar holds 3x32x32 images"), r.err());
    }

    @Test
    void badInputGivesOneLineExitTwoAndWritesNothing() throws Exception {
        Path png = Files.writeString(tmp.resolve("broken.png"), "no");
        String[][] cases = {
            {"--attack", "trojann", "unknown attack 'trojann'; known: none, badnets, blend, sig, wanet"},
            {"--poison-rate", "0", "--poison-rate must be a number in (0, 1], got "},
            {"--poison-rate", "1.5", "--poison-rate must be a number in (0, 1], got "},
            {"--attack=badnets --target=9", "--target 9 is not a class of this dataset (0..3)"},
            {"--attack=sig --all-to-all", "clean-label"},
            {"--attack=blend --blend-pattern=" + png, "--blend-pattern " + png},
        };
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("poison", "--dataset", "synthetic", "--out",
                    tmp.resolve("never").toString()));
            if (c[0].startsWith("--attack=")) {
                args.addAll(List.of(c[0].split(" ")));
            } else {
                args.addAll(List.of(c[0], c[1]));
            }
            CliTest.Result r = CliTest.run(args.toArray(new String[0]));
            String want = c[c.length - 1];
            assertEquals(2, r.code(), want + ": " + r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("cbd: error:")).count(), r.err());
            assertTrue(r.err().contains(want), want + " <- " + r.err());
            assertFalse(Files.exists(tmp.resolve("never")), "nothing written");
        }
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".never")), "no temporary directory left");
        }
    }
}
