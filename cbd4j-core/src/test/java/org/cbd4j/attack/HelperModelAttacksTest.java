package org.cbd4j.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.cbd4j.data.DecodedImage;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.data.TrainTestSplit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trojan and label-consistent on generated data with a tiny helper model trained for one epoch. */
class HelperModelAttacksTest {

    static Path cache;
    static String previous;

    @BeforeAll
    static void cacheInTemp() throws Exception {
        cache = Files.createTempDirectory("cbd4j-helper-cache");
        previous = System.getProperty("cbd4j.cache");
        System.setProperty("cbd4j.cache", cache.toString());
    }

    @AfterAll
    static void restore() {
        if (previous == null) {
            System.clearProperty("cbd4j.cache");
        } else {
            System.setProperty("cbd4j.cache", previous);
        }
    }

    /** Complete entries in the helper cache. */
    static long cached() throws Exception {
        Path dir = cache.resolve("helpers");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.exists(d.resolve("complete"))).count();
        }
    }

    /** The attack with small budgets: a tiny one-epoch helper, few optimisation steps. */
    static Attack fast(org.cbd4j.method.Method<Attack> method, int trojanSize) {
        java.util.Map<String, Object> all = java.util.Map.of("helper-model", "tiny-cnn", "helper-epochs", 1,
                "trojan-size", trojanSize, "trojan-steps", 5, "lc-eps", 8, "lc-step", 2, "lc-steps", 5);
        java.util.Map<String, Object> own = new java.util.HashMap<>();
        method.options().forEach(o -> {
            if (all.containsKey(o.name())) {
                own.put(o.name(), all.get(o.name()));
            }
        });
        return method.create(own);
    }

    static final TrainTestSplit DATA = SyntheticImages.split(400, 80, 3);

    @Test
    void trojanStampsTheOptimisedPatchAndCachesItsHelperModel() throws Exception {
        ImageDataset train = DATA.train();
        AttackConfig cfg = new AttackConfig(0.1, 1, false, 2);
        long before = cached();
        PoisonedData pd = fast(Trojan.METHOD, 4).poison(train, DATA.test(), cfg);
        byte[] png = pd.artifacts().get("trojan_trigger.png");
        DecodedImage patch = ImageDecoder.decode(Path.of("trojan_trigger.png"), png);
        assertEquals(4, patch.width());
        for (int i : pd.poisonedIndices()) {
            assertEquals(1, pd.train().label(i));
            for (int r = 0; r < 16; r++) {
                for (int q = 0; q < 16; q++) {
                    int expected = r >= 12 && q >= 12 ? patch.pixels()[(r - 12) * 4 + q - 12] & 0xFF : train.pixel(i, 0, r, q);
                    assertEquals(expected, pd.train().pixel(i, 0, r, q), "image " + i + " at " + r + "," + q);
                }
            }
        }
        assertEquals(before + 1, cached(), "one helper model trained and cached");
        // Same inputs: the cached helper is reused and the result is byte-identical.
        PoisonedData again = fast(Trojan.METHOD, 4).poison(train, DATA.test(), cfg);
        assertArrayEquals(pd.train().pixels(), again.train().pixels());
        assertEquals(before + 1, cached(), "no second helper trained");
        var e = assertThrows(IllegalArgumentException.class, () -> fast(Trojan.METHOD, 17).poison(train, DATA.test(), cfg));
        assertTrue(e.getMessage().contains("larger than the 16x16 images"), e.getMessage());
    }

    @Test
    void labelConsistentPerturbsWithinEpsilonStampsFourCornersAndKeepsLabels() {
        ImageDataset train = DATA.train();
        AttackConfig cfg = new AttackConfig(0.05, 3, false, 2);
        PoisonedData pd = fast(LabelConsistent.METHOD, 0).poison(train, DATA.test(), cfg);
        assertArrayEquals(train.labels(), pd.train().labels(), "clean-label");
        assertEquals(20, pd.poisonedIndices().length);
        int moved = 0;
        for (int i : pd.poisonedIndices()) {
            assertEquals(3, train.label(i));
            for (int r = 0; r < 16; r++) {
                for (int q = 0; q < 16; q++) {
                    int rr = r < 3 ? r : 15 - r;
                    int qq = q < 3 ? q : 15 - q;
                    int got = pd.train().pixel(i, 0, r, q);
                    if (rr < 3 && qq < 3) {
                        assertEquals(LabelConsistent.CORNER[rr][qq], got, "corner pattern at " + r + "," + q);
                    } else {
                        int diff = Math.abs(got - train.pixel(i, 0, r, q));
                        assertTrue(diff <= 8, "PGD stays within eps = 8: " + diff);
                        moved += diff > 0 ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(moved > 0, "PGD changed some pixels");
        for (int j = 0; j < pd.triggeredTest().size(); j++) {
            assertEquals(255, pd.triggeredTest().pixel(j, 0, 0, 0), "test images carry the corners");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> fast(LabelConsistent.METHOD, 0).poison(train, DATA.test(),
                new AttackConfig(0.05, 3, true, 2)));
        assertTrue(e.getMessage().contains("clean-label"), e.getMessage());
    }

    @Test
    void inputAwareStampsPerImagePatternsSavesItsNetworksAndAddsCrossSamples() throws Exception {
        ImageDataset train = DATA.train();
        AttackConfig cfg = new AttackConfig(0.1, 0, false, 2);
        PoisonedData pd = fast(InputAware.METHOD, 0).poison(train, DATA.test(), cfg);
        assertEquals(40, pd.poisonedIndices().length);
        int[] cross = pd.otherIndices().get("input_aware_cross");
        assertEquals(40, cross.length, "as many cross-trigger samples as backdoor samples");
        for (int i : cross) {
            assertEquals(train.label(i), pd.train().label(i), "cross samples keep their labels");
        }
        int changed = 0;
        for (int i : pd.poisonedIndices()) {
            assertEquals(0, pd.train().label(i));
            changed += java.util.Arrays.equals(java.util.Arrays.copyOfRange(train.pixels(), i * 256, (i + 1) * 256),
                    java.util.Arrays.copyOfRange(pd.train().pixels(), i * 256, (i + 1) * 256)) ? 0 : 1;
        }
        assertTrue(changed > 30, "the trigger changes backdoor images: " + changed);
        assertTrue(pd.artifacts().get("input_aware_generator.bin").length > 1000);
        assertTrue(pd.artifacts().containsKey("input_aware_mask.bin"));
        PoisonedData again = fast(InputAware.METHOD, 0).poison(train, DATA.test(), cfg);
        assertArrayEquals(pd.train().pixels(), again.train().pixels(), "cached networks: same bytes");
        try (Stream<Path> st = Files.list(cache.resolve("helpers"))) {
            assertTrue(st.anyMatch(d -> Files.exists(d.resolve("generator-0000.params"))), "generator cached");
        }
    }
}
