package org.cbd4j.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.cbd4j.data.ImageDataset;
import org.junit.jupiter.api.Test;

class BadNetsTest {

    /** 3-channel 6x5 images whose every pixel is 77, labels cycling over 4 classes. */
    private static ImageDataset flat(int n) {
        byte[] px = new byte[n * 3 * 6 * 5];
        Arrays.fill(px, (byte) 77);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        return new ImageDataset(px, labels, 3, 6, 5, 4);
    }

    private final int[][] grid = {{0, 0, 255}, {0, 255, 0}, {255, 0, 255}};

    @Test
    void stampsTheGridInTheBottomRightCornerOfEveryChannelAndNothingElse() {
        ImageDataset train = flat(40);
        PoisonedData pd = new BadNets().poison(train, flat(8), new AttackConfig(0.25, 0, false, 1));
        boolean[] poisoned = pd.poisonMask();
        for (int i = 0; i < train.size(); i++) {
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 6; r++) {
                    for (int col = 0; col < 5; col++) {
                        boolean inPatch = r >= 3 && col >= 2;
                        int expected = poisoned[i] && inPatch ? grid[r - 3][col - 2] : 77;
                        assertEquals(expected, pd.train().pixel(i, c, r, col), "image " + i + " c" + c + " " + r + "," + col);
                    }
                }
            }
        }
    }

    @Test
    void allToOneRelabelsToTargetAndPoisonsTheRequestedCount() {
        ImageDataset train = flat(40);
        PoisonedData pd = new BadNets().poison(train, flat(8), new AttackConfig(0.25, 2, false, 1));
        assertEquals(10, pd.poisonedIndices().length);
        for (int i : pd.poisonedIndices()) {
            assertNotEquals(2, train.label(i), "a target-class sample teaches nothing, so none is chosen");
            assertEquals(2, pd.train().label(i));
        }
        boolean[] mask = pd.poisonMask();
        for (int i = 0; i < train.size(); i++) {
            if (!mask[i]) {
                assertEquals(train.label(i), pd.train().label(i));
            }
        }
    }

    @Test
    void allToAllShiftsLabelsByOne() {
        ImageDataset train = flat(40);
        PoisonedData pd = new BadNets().poison(train, flat(8), new AttackConfig(0.5, 0, true, 3));
        assertEquals(20, pd.poisonedIndices().length);
        for (int i : pd.poisonedIndices()) {
            assertEquals((train.label(i) + 1) % 4, pd.train().label(i));
        }
        // Every test image gets a different attack label, so all are in the triggered set.
        assertEquals(8, pd.triggeredTest().size());
        for (int j = 0; j < 8; j++) {
            assertEquals((pd.triggeredTrueLabels()[j] + 1) % 4, pd.triggeredTest().label(j));
        }
    }

    @Test
    void triggeredTestSetExcludesTargetClassAndCarriesTheTrigger() {
        ImageDataset test = flat(12);
        PoisonedData pd = new BadNets().poison(flat(40), test, new AttackConfig(0.1, 1, false, 0));
        assertEquals(9, pd.triggeredTest().size());
        for (int j = 0; j < 9; j++) {
            assertNotEquals(1, pd.triggeredTrueLabels()[j]);
            assertEquals(1, pd.triggeredTest().label(j));
            assertEquals(255, pd.triggeredTest().pixel(j, 0, 5, 4));
            assertEquals(0, pd.triggeredTest().pixel(j, 2, 3, 2));
        }
    }

    @Test
    void sameSeedSameResultDifferentSeedDifferentIndices() {
        ImageDataset train = flat(400);
        PoisonedData a = new BadNets().poison(train, flat(8), new AttackConfig(0.1, 0, false, 5));
        PoisonedData b = new BadNets().poison(train, flat(8), new AttackConfig(0.1, 0, false, 5));
        PoisonedData c = new BadNets().poison(train, flat(8), new AttackConfig(0.1, 0, false, 6));
        assertArrayEquals(a.poisonedIndices(), b.poisonedIndices());
        assertArrayEquals(a.train().pixels(), b.train().pixels());
        assertFalse(Arrays.equals(a.poisonedIndices(), c.poisonedIndices()));
    }

    @Test
    void inputsAreNotModified() {
        ImageDataset train = flat(40);
        byte[] before = train.pixels();
        new BadNets().poison(train, flat(8), new AttackConfig(0.5, 0, false, 1));
        assertArrayEquals(before, train.pixels());
    }

    @Test
    void badConfigurationsAreRejected() {
        ImageDataset train = flat(40);
        assertThrows(IllegalArgumentException.class,
                () -> new BadNets().poison(train, flat(4), new AttackConfig(0, 0, false, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> new BadNets().poison(train, flat(4), new AttackConfig(1.5, 0, false, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> new BadNets().poison(train, flat(4), new AttackConfig(0.1, 4, false, 1)));
        // 100 % all-to-one needs more non-target samples than exist.
        assertThrows(IllegalArgumentException.class,
                () -> new BadNets().poison(train, flat(4), new AttackConfig(1.0, 0, false, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attacks.create("nope"));
        assertTrue(e.getMessage().contains("badnets"));
    }
}
