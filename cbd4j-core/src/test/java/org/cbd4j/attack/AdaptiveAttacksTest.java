package org.cbd4j.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.data.SyntheticImages;
import org.junit.jupiter.api.Test;

/**
 * Adap-Blend and Adap-Patch on generated 3x16x16 images: counts, labels, the partial training
 * trigger against the full test trigger, seeding. Expected pixels are computed here from the
 * paper's formula x' = round((1 - a) x + a p) and the paper's defaults, not taken from the attack.
 */
class AdaptiveAttacksTest {

    /** 400 images, 4 classes; target 1, so 300 are outside the target class. */
    private static final ImageDataset TRAIN = SyntheticImages.generate(400, 3, 16, 16, 21);
    private static final ImageDataset TEST = SyntheticImages.generate(40, 3, 16, 16, 22);
    /** 5 % of 400: 20 payload samples. */
    private static final AttackConfig CFG = new AttackConfig(0.05, 1, false, 7);
    private static final int HW = 16 * 16;

    private static PoisonedData blend(Map<String, ?> options, AttackConfig cfg) {
        return AdapBlend.METHOD.create(options).poison(TRAIN, TEST, cfg);
    }

    private static PoisonedData patch(Map<String, ?> options, AttackConfig cfg) {
        return AdapPatch.METHOD.create(options).poison(TRAIN, TEST, cfg);
    }

    private static int value(ImageDataset d, int i, int j) {
        return d.pixels()[i * 3 * HW + j] & 0xFF;
    }

    private static long blended(int x, int p, double a) {
        return Math.round((1 - a) * x + a * p);
    }

    /** The test images whose label the attack changes (all-to-one: not the target), in order. */
    private static int[] triggeredSources(int target) {
        return IntStream.range(0, TEST.size()).filter(i -> TEST.label(i) != target).toArray();
    }

    private static void checkCountsAndLabels(PoisonedData pd, String coverKey, int expectedCover) {
        int[] payload = pd.poisonedIndices();
        int[] cover = pd.otherIndices().get(coverKey);
        assertEquals(20, payload.length, "round(0.05 x 400) payload samples");
        assertEquals(expectedCover, cover.length, "cover samples");
        Set<Integer> payloadSet = new HashSet<>();
        Arrays.stream(payload).forEach(payloadSet::add);
        boolean[] mask = pd.poisonMask();
        for (int i : payload) {
            assertTrue(TRAIN.label(i) != 1, "payload drawn outside the target class");
            assertEquals(1, pd.train().label(i), "payload relabelled to the target");
        }
        for (int i : cover) {
            assertFalse(payloadSet.contains(i), "a cover sample is not a payload sample: " + i);
            assertFalse(mask[i], "cover samples count as clean for ASR and detection");
            assertTrue(TRAIN.label(i) != 1, "cover samples come from other classes than the target");
            assertEquals(TRAIN.label(i), pd.train().label(i), "a cover sample keeps its true label");
        }
        Set<Integer> touched = new HashSet<>(payloadSet);
        Arrays.stream(cover).forEach(touched::add);
        for (int i = 0; i < TRAIN.size(); i++) {
            if (!touched.contains(i)) {
                assertEquals(TRAIN.label(i), pd.train().label(i));
                int base = i * 3 * HW;
                assertArrayEquals(Arrays.copyOfRange(TRAIN.pixels(), base, base + 3 * HW),
                        Arrays.copyOfRange(pd.train().pixels(), base, base + 3 * HW), "untouched sample " + i);
            }
        }
    }

    @Test
    void adapBlendCountsAndLabelsFollowTheOptions() {
        checkCountsAndLabels(blend(Map.of(), CFG), "adap_blend_cover", 20);
        checkCountsAndLabels(blend(Map.of("adap-blend-cover-ratio", 1.5), CFG), "adap_blend_cover", 30);
        checkCountsAndLabels(blend(Map.of("adap-blend-cover-ratio", 0), CFG), "adap_blend_cover", 0);
    }

    @Test
    void adapPatchCountsAndLabelsFollowTheOptions() {
        checkCountsAndLabels(patch(Map.of(), CFG), "adap_patch_cover", 40);
        checkCountsAndLabels(patch(Map.of("adap-patch-cover-ratio", 0.5), CFG), "adap_patch_cover", 10);
    }

    /** The seeded pattern as saved in the artifact, CHW. */
    private static byte[] savedPattern(PoisonedData pd) throws Exception {
        byte[] p = new byte[3 * HW];
        ImageDecoder.decode(Path.of("adap_blend_pattern.png"), pd.artifacts().get("adap_blend_pattern.png"))
                .resized(16, 3, p, 0);
        return p;
    }

    @Test
    void adapBlendTrainsOnHalfThePiecesAndTestsWithTheWholePattern() throws Exception {
        PoisonedData pd = blend(Map.of(), CFG);
        byte[] pattern = savedPattern(pd);
        int[] cover = pd.otherIndices().get("adap_blend_cover");
        for (int i : IntStream.concat(Arrays.stream(pd.poisonedIndices()), Arrays.stream(cover)).toArray()) {
            int changedPieces = 0;
            // 16 pieces of a 4x4 grid on 16x16 images: 4x4 pixels each.
            for (int piece = 0; piece < 16; piece++) {
                boolean same = true;
                boolean formula = true;
                for (int ch = 0; ch < 3; ch++) {
                    for (int r = piece / 4 * 4; r < piece / 4 * 4 + 4; r++) {
                        for (int q = piece % 4 * 4; q < piece % 4 * 4 + 4; q++) {
                            int j = ch * HW + r * 16 + q;
                            int x = value(TRAIN, i, j);
                            int got = value(pd.train(), i, j);
                            same &= got == x;
                            formula &= got == blended(x, pattern[j] & 0xFF, 0.15);
                        }
                    }
                }
                assertTrue(same || formula, "image " + i + " piece " + piece + ": untouched or blended at 0.15");
                changedPieces += same ? 0 : 1;
            }
            assertEquals(8, changedPieces, "image " + i + ": half of the 16 pieces carry the pattern");
        }
        int[] src = triggeredSources(1);
        assertEquals(src.length, pd.triggeredTest().size());
        for (int t = 0; t < src.length; t++) {
            for (int j = 0; j < 3 * HW; j++) {
                assertEquals(blended(value(TEST, src[t], j), pattern[j] & 0xFF, 0.2), value(pd.triggeredTest(), t, j),
                        "test image " + t + " value " + j + ": the whole pattern at 0.2");
            }
        }
        // Different training images get different pieces (drawn per image, not fixed).
        Set<String> layouts = new HashSet<>();
        for (int i : pd.poisonedIndices()) {
            StringBuilder sb = new StringBuilder();
            for (int piece = 0; piece < 16; piece++) {
                int j = piece / 4 * 4 * 16 + piece % 4 * 4;
                sb.append(value(TRAIN, i, j) == value(pd.train(), i, j) ? '0' : '1');
            }
            layouts.add(sb.toString());
        }
        assertTrue(layouts.size() > 10, "piece choices vary between images: " + layouts.size() + " distinct of 20");
    }

    /** The layout artifact: per patch {top, left, size}, and its training opacity. */
    private record Layout(int[][] squares, double[] alphas) {}

    private static Layout layout(PoisonedData pd) {
        String[] lines = new String(pd.artifacts().get("adap_patch_layout.csv"), StandardCharsets.UTF_8).split("\n");
        assertEquals("patch,top,left,size,train_alpha", lines[0]);
        int[][] sq = new int[lines.length - 1][];
        double[] a = new double[lines.length - 1];
        for (int p = 1; p < lines.length; p++) {
            String[] f = lines[p].split(",");
            sq[p - 1] = new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])};
            a[p - 1] = Double.parseDouble(f[4]);
        }
        return new Layout(sq, a);
    }

    private static boolean inSquare(int[] sq, int r, int q) {
        return r >= sq[0] && r < sq[0] + sq[2] && q >= sq[1] && q < sq[1] + sq[2];
    }

    @Test
    void adapPatchTrainsOnSomePatchesAndTestsWithAll() {
        for (int perSample : new int[] {1, 2}) {
            PoisonedData pd = patch(Map.of("adap-patch-per-sample", perSample), CFG);
            Layout l = layout(pd);
            assertArrayEquals(new double[] {0.5, 0.2, 0.5, 0.3}, l.alphas(), "the toolbox's four CIFAR-10 opacities");
            for (int[] sq : l.squares()) {
                assertEquals(3, sq[2], "max(3, round(16 / 8)) pixels");
            }
            // Test images: every square carries its patch at opacity 1, everything else is the clean image.
            int[] src = triggeredSources(1);
            int[][] patchValue = new int[4][3 * HW];
            for (int t = 0; t < src.length; t++) {
                for (int ch = 0; ch < 3; ch++) {
                    for (int r = 0; r < 16; r++) {
                        for (int q = 0; q < 16; q++) {
                            int j = ch * HW + r * 16 + q;
                            int got = value(pd.triggeredTest(), t, j);
                            int p = -1;
                            for (int k = 0; k < 4; k++) {
                                p = inSquare(l.squares()[k], r, q) ? k : p;
                            }
                            if (p < 0) {
                                assertEquals(value(TEST, src[t], j), got, "outside the patches");
                            } else {
                                assertTrue(got == 0 || got == 255, "a patch pixel at opacity 1 is 0 or 255");
                                if (t > 0) {
                                    assertEquals(patchValue[p][j], got, "the same patch on every test image");
                                }
                                patchValue[p][j] = got;
                            }
                        }
                    }
                }
            }
            int[] cover = pd.otherIndices().get("adap_patch_cover");
            int[] uses = new int[4];
            for (int i : IntStream.concat(Arrays.stream(pd.poisonedIndices()), Arrays.stream(cover)).toArray()) {
                int changed = 0;
                for (int p = 0; p < 4; p++) {
                    boolean same = true;
                    boolean formula = true;
                    for (int ch = 0; ch < 3; ch++) {
                        for (int r = 0; r < 16; r++) {
                            for (int q = 0; q < 16; q++) {
                                if (inSquare(l.squares()[p], r, q)) {
                                    int j = ch * HW + r * 16 + q;
                                    int x = value(TRAIN, i, j);
                                    same &= value(pd.train(), i, j) == x;
                                    formula &= value(pd.train(), i, j) == blended(x, patchValue[p][j], l.alphas()[p]);
                                }
                            }
                        }
                    }
                    assertTrue(same || formula, "image " + i + " patch " + p + ": untouched or blended at its opacity");
                    if (!same) {
                        changed++;
                        uses[p]++;
                    }
                }
                assertEquals(perSample, changed, "image " + i + " carries " + perSample + " of the 4 patches");
                for (int j = 0; j < 3 * HW; j++) {
                    int r = j % HW / 16;
                    int q = j % 16;
                    if (Arrays.stream(l.squares()).noneMatch(sq -> inSquare(sq, r, q))) {
                        assertEquals(value(TRAIN, i, j), value(pd.train(), i, j), "image " + i + " outside the patches");
                    }
                }
            }
            for (int p = 0; p < 4; p++) {
                assertTrue(uses[p] > 0, "patch " + p + " is used in training");
            }
        }
    }

    @Test
    void sameSeedSameBytesAndAnotherSeedAnotherTrigger() {
        for (String name : new String[] {"adap-blend", "adap-patch"}) {
            PoisonedData a = Attacks.create(name).poison(TRAIN, TEST, CFG);
            PoisonedData b = Attacks.create(name).poison(TRAIN, TEST, CFG);
            PoisonedData c = Attacks.create(name).poison(TRAIN, TEST, new AttackConfig(0.05, 1, false, 8));
            assertArrayEquals(a.train().pixels(), b.train().pixels(), name);
            assertArrayEquals(a.train().labels(), b.train().labels(), name);
            assertArrayEquals(a.triggeredTest().pixels(), b.triggeredTest().pixels(), name);
            assertEquals(a.otherIndices().keySet(), b.otherIndices().keySet(), name);
            a.otherIndices().forEach((k, v) -> assertArrayEquals(v, b.otherIndices().get(k), name + " " + k));
            a.artifacts().forEach((k, v) -> assertArrayEquals(v, b.artifacts().get(k), name + " " + k));
            assertFalse(Arrays.equals(a.triggeredTest().pixels(), c.triggeredTest().pixels()),
                    name + ": another seed, another test-time trigger on the same test images");
            for (String artifact : a.artifacts().keySet()) {
                assertFalse(Arrays.equals(a.artifacts().get(artifact), c.artifacts().get(artifact)), name + " " + artifact);
            }
        }
    }

    @Test
    void allToAllRelabelsPayloadAndDrawsCoverFromEveryClass() {
        PoisonedData pd = blend(Map.of(), new AttackConfig(0.25, 0, true, 3));
        assertEquals(100, pd.poisonedIndices().length);
        for (int i : pd.poisonedIndices()) {
            assertEquals((TRAIN.label(i) + 1) % 4, pd.train().label(i));
        }
        int[] cover = pd.otherIndices().get("adap_blend_cover");
        assertEquals(100, cover.length);
        assertTrue(Arrays.stream(cover).anyMatch(i -> TRAIN.label(i) == 0), "all-to-all has no target class to avoid");
        assertTrue(Arrays.stream(cover).allMatch(i -> pd.train().label(i) == TRAIN.label(i)));
        assertEquals(40, pd.triggeredTest().size(), "all-to-all triggers every test image");
    }

    @Test
    void impossibleSettingsAreRefusedNamingTheirFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> blend(Map.of("adap-blend-mask-rate", 0.97), CFG));
        assertTrue(e.getMessage().startsWith("--adap-blend-mask-rate 0.97 leaves none of the 16 pieces"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> patch(Map.of("adap-patch-per-sample", 4), CFG));
        assertTrue(e.getMessage().startsWith("--adap-patch-per-sample 4 must be fewer than the 4 patches"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> patch(Map.of("adap-patch-alphas", "0.5,1.5"), CFG));
        assertTrue(e.getMessage().startsWith("--adap-patch-alphas must be "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> patch(Map.of("adap-patch-alphas", "0.5"), CFG));
        assertTrue(e.getMessage().startsWith("--adap-patch-alphas must be "), e.getMessage());
        // 30 % payload leaves 300 - 120 = 180 candidates; ratio 2 asks for 240.
        e = assertThrows(IllegalArgumentException.class, () -> patch(Map.of(), new AttackConfig(0.3, 1, false, 1)));
        assertTrue(e.getMessage().startsWith("--adap-patch-cover-ratio 2.0 asks for 240 cover samples but only 180"),
                e.getMessage());
        ImageDataset small = SyntheticImages.generate(40, 1, 8, 8, 1);
        e = assertThrows(IllegalArgumentException.class, () -> AdapBlend.METHOD.create(Map.of("adap-blend-grid", 16))
                .poison(small, small, CFG));
        assertEquals("--adap-blend-grid 16 cuts the 8x8 images into empty pieces", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> patch(Map.of("adap-patch-size", 9), CFG));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    }
}
