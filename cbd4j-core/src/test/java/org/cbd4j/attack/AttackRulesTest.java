package org.cbd4j.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.cbd4j.data.DecodedImage;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.ImageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pixel and label rules of Blend, SIG and WaNet on small random images. */
class AttackRulesTest {

    @TempDir
    Path tmp;

    /** n random images, {@code c} x 8 x 8, labels cycling over 4 classes. */
    static ImageDataset random(int n, int c, long seed) {
        byte[] px = new byte[n * c * 64];
        new Random(seed).nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        return new ImageDataset(px, labels, c, 8, 8, 4);
    }

    static final AttackConfig ONE = new AttackConfig(0.1, 1, false, 7);
    private static org.cbd4j.method.OptionValues blendWith(double alpha, String pattern) {
        java.util.Map<String, Object> m = new java.util.HashMap<>(java.util.Map.of("blend-alpha", alpha));
        if (pattern != null) {
            m.put("blend-pattern", pattern);
        }
        return Blend.METHOD.values(m);
    }

    private static org.cbd4j.method.OptionValues wanetWith(double s, double cross) {
        return WaNet.METHOD.values(java.util.Map.of("wanet-s", s, "wanet-cross-ratio", cross));
    }

    @Test
    void poisonedSamplesKeepTheSourceIdOfTheImageTheyWereMadeFrom() {
        ImageDataset plain = random(40, 1, 3);
        String[] ids = new String[40];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "class-" + plain.label(i) + "/" + i + ".png";
        }
        ImageDataset train = plain.withSources(ids);
        for (Attack a : new Attack[] {new BadNets(), new NoAttack(), new WaNet(wanetWith(0.5, 2))}) {
            PoisonedData pd = a.poison(train, random(8, 1, 4), ONE);
            assertEquals(train.size(), pd.train().size(), a.name() + " adds no samples");
            assertArrayEquals(ids, pd.train().sources(), a.name() + ": a stamped image is still the same file");
        }
        assertEquals(null, new BadNets().poison(plain, random(8, 1, 4), ONE).train().sources(), "none stay none");
    }

    @Test
    void blendIsTheRoundedWeightedMeanWithThePatternFile() throws Exception {
        byte[] pattern = new byte[3 * 64];
        new Random(99).nextBytes(pattern);
        Path file = tmp.resolve("p.png");
        Files.write(file, ImageEncoder.png(pattern, 0, 3, 8, 8));
        ImageDataset train = random(40, 3, 1);
        PoisonedData pd = new Blend(blendWith(0.3, file.toString())).poison(train, random(8, 3, 2), ONE);
        for (int i : pd.poisonedIndices()) {
            for (int j = 0; j < 3 * 64; j++) {
                int x = train.pixels()[i * 192 + j] & 0xFF;
                int p = pattern[j] & 0xFF;
                assertEquals(Math.round(0.7 * x + 0.3 * p), pd.train().pixels()[i * 192 + j] & 0xFF, "pixel " + j);
            }
            assertEquals(1, pd.train().label(i));
        }
        // The seeded noise pattern is the one saved as the artefact.
        PoisonedData noise = Blend.METHOD.create().poison(train, random(8, 3, 2), ONE);
        DecodedImage saved = ImageDecoder.decode(Path.of("blend_pattern.png"), noise.artifacts().get("blend_pattern.png"));
        byte[] p = new byte[192];
        saved.resized(8, 3, p, 0);
        int i = noise.poisonedIndices()[0];
        int x = train.pixels()[i * 192 + 5] & 0xFF;
        assertEquals(Math.round(0.8 * x + 0.2 * (p[5] & 0xFF)), noise.train().pixels()[i * 192 + 5] & 0xFF);
    }

    @Test
    void blendRefusesAnUnreadablePattern() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.png"), "not an image");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Blend(blendWith(0.2, bad.toString())).poison(random(20, 3, 1), random(4, 3, 2), ONE));
        assertTrue(e.getMessage().startsWith("--blend-pattern " + bad), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Blend(blendWith(0.2, tmp.resolve("none.png").toString())).poison(random(20, 3, 1), random(4, 3, 2), ONE));
        assertTrue(e.getMessage().contains("not a readable file"), e.getMessage());
    }

    @Test
    void sigAddsTheSinusoidPerColumnToTargetClassImagesOnlyAndKeepsLabels() {
        ImageDataset train = random(80, 1, 3);
        AttackConfig cfg = new AttackConfig(0.1, 2, false, 5);
        PoisonedData pd = Sig.METHOD.create().poison(train, random(12, 1, 4), cfg);
        assertEquals(8, pd.poisonedIndices().length, "10 % of 80");
        assertArrayEquals(train.labels(), pd.train().labels(), "clean-label: labels untouched");
        for (int i : pd.poisonedIndices()) {
            assertEquals(2, train.label(i), "only target-class images");
            for (int r = 0; r < 8; r++) {
                for (int j = 0; j < 8; j++) {
                    double v = 40 * Math.sin(2 * Math.PI * j * 6 / 8.0);
                    long expected = Math.max(0, Math.min(255, Math.round(train.pixel(i, 0, r, j) + v)));
                    assertEquals(expected, pd.train().pixel(i, 0, r, j), "row " + r + " col " + j);
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Sig.METHOD.create().poison(train, random(4, 1, 4),
                new AttackConfig(0.1, 2, true, 5)));
        assertTrue(e.getMessage().contains("clean-label"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sig.METHOD.create().poison(train, random(4, 1, 4),
                new AttackConfig(0.5, 2, false, 5)));
        assertTrue(e.getMessage().contains("only use the 20 images of target class 2"), e.getMessage());
    }

    @Test
    void wanetWithZeroStrengthLeavesImagesUnchangedAndOtherwiseWarps() {
        ImageDataset train = random(40, 3, 6);
        PoisonedData still = new WaNet(wanetWith(0, 0)).poison(train, random(8, 3, 7), ONE);
        for (int i : still.poisonedIndices()) {
            assertArrayEquals(Arrays.copyOfRange(train.pixels(), i * 192, (i + 1) * 192),
                    Arrays.copyOfRange(still.train().pixels(), i * 192, (i + 1) * 192), "identity grid, exact samples");
            assertEquals(1, still.train().label(i));
        }
        PoisonedData warped = WaNet.METHOD.create().poison(train, random(8, 3, 7), ONE);
        int changed = 0;
        for (int i : warped.poisonedIndices()) {
            changed += Arrays.equals(Arrays.copyOfRange(train.pixels(), i * 192, (i + 1) * 192),
                    Arrays.copyOfRange(warped.train().pixels(), i * 192, (i + 1) * 192)) ? 0 : 1;
        }
        assertEquals(warped.poisonedIndices().length, changed, "s = 0.5 moves pixels of every poisoned image");
        assertTrue(new String(warped.artifacts().get("wanet_field.csv")).startsWith("row,col,dx,dy\n"));
    }

    @Test
    void wanetNoiseModeWarpsTwiceAsManyOtherSamplesAndKeepsTheirLabels() {
        ImageDataset train = random(100, 1, 8);
        PoisonedData pd = WaNet.METHOD.create().poison(train, random(8, 1, 9), ONE);
        int[] noise = pd.otherIndices().get("wanet_noise");
        assertEquals(2 * pd.poisonedIndices().length, noise.length);
        for (int i : noise) {
            assertFalse(Arrays.stream(pd.poisonedIndices()).anyMatch(p -> p == i), "noise samples are not backdoor samples");
            assertEquals(train.label(i), pd.train().label(i));
        }
        long untouched = java.util.stream.IntStream.range(0, 100)
                .filter(i -> Arrays.equals(Arrays.copyOfRange(train.pixels(), i * 64, (i + 1) * 64),
                        Arrays.copyOfRange(pd.train().pixels(), i * 64, (i + 1) * 64))).count();
        assertTrue(untouched >= 100 - 30, "only backdoor and noise samples change");
    }

    @Test
    void everyAttackIsSeededAndItsTriggeredTestSetExcludesTheTarget() {
        for (String name : new String[] {"badnets", "blend", "sig", "wanet"}) {
            ImageDataset train = random(80, 3, 10);
            ImageDataset test = random(20, 3, 11);
            Attack a = Attacks.create(name);
            PoisonedData p1 = a.poison(train, test, new AttackConfig(0.1, 3, false, 1));
            PoisonedData p2 = Attacks.create(name).poison(train, test, new AttackConfig(0.1, 3, false, 1));
            PoisonedData p3 = Attacks.create(name).poison(train, test, new AttackConfig(0.1, 3, false, 2));
            assertArrayEquals(p1.train().pixels(), p2.train().pixels(), name + ": same seed, same bytes");
            assertArrayEquals(p1.train().labels(), p2.train().labels(), name);
            assertFalse(Arrays.equals(p1.poisonedIndices(), p3.poisonedIndices()), name + ": another seed, other indices");
            assertEquals(15, p1.triggeredTest().size(), name + ": the 5 target-class test images are left out");
            for (int i = 0; i < p1.triggeredTest().size(); i++) {
                assertEquals(3, p1.triggeredTest().label(i), name);
                assertTrue(p1.triggeredTrueLabels()[i] != 3, name);
            }
        }
    }

    @Test
    void unknownNamesAndBadOptionsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Attacks.create("trojann"));
        assertTrue(e.getMessage().contains("known: none, badnets, blend, sig, wanet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attacks.create("blend", java.util.Map.of("blend-alpha", 1.5)));
        assertTrue(e.getMessage().contains("--blend-alpha"), e.getMessage());
        ImageDataset tiny = new ImageDataset(new byte[2 * 4], new int[] {0, 1}, 1, 2, 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> new BadNets().poison(tiny, tiny, new AttackConfig(0.5, 0, false, 1)));
        assertTrue(e.getMessage().contains("larger than the 2x2 images"), e.getMessage());
    }
}
