package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.model.Network;
import org.junit.jupiter.api.Test;

/** Fine-pruning removes exactly the requested channels, the least active first; the reserve is clean and apart. */
class FinePruningTest {

    @Test
    void ranksChannelsByMeanActivationSmallestFirst() {
        // Hand-made activations of 4 channels over 3 images: means 2, 0.1, 5, 0.1 (a tie: lower index first).
        float[][] act = {{1, 0.3f, 5, 0}, {2, 0, 4, 0.3f}, {3, 0, 6, 0}};
        assertArrayEquals(new int[] {1, 3, 0, 2}, FinePruning.leastActiveFirst(act));
        float[] mask = FinePruning.pruneFirst(new int[] {1, 3, 0, 2}, 3, 4);
        assertArrayEquals(new float[] {0, 0, 1, 0}, mask, "channels 1, 3 and 0 pruned; 2, the most active, kept");
    }

    @Test
    void aPrunedChannelNoLongerReachesTheLogitsAndTheSavedHeadKeepsThePruning() {
        Engine.getInstance().setRandomSeed(11);
        try (Network net = Network.create("m", "tiny-cnn", 4, 1, 16, 16); NDManager m = NDManager.newBaseManager()) {
            int d = net.block().embeddingSize();
            NDArray x = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(5, 1, 16, 16));
            int[] order = java.util.stream.IntStream.range(0, d).toArray();
            float[] mask = FinePruning.pruneFirst(order, 3, d);
            net.block().setEmbeddingMask(mask);
            NDList out = net.forward(new NDList(x), false);
            float[][] z = rows(out.get(1));
            for (float[] row : z) {
                assertEquals(0f, row[0]);
                assertEquals(0f, row[1]);
                assertEquals(0f, row[2]);
            }
            float[] masked = out.get(0).toFloatArray();
            net.block().setEmbeddingMask(null);
            net.block().pruneHeadColumns(mask);
            float[] baked = net.forward(new NDList(x), false).get(0).toFloatArray();
            assertArrayEquals(masked, baked, 1e-5f, "zeroed head columns give the masked network's logits");
            float[][] w = rows(net.block().headWeight());
            int zeroColumns = 0;
            for (int j = 0; j < d; j++) {
                boolean zero = true;
                for (float[] row : w) {
                    zero &= row[j] == 0f;
                }
                zeroColumns += zero ? 1 : 0;
            }
            assertEquals(3, zeroColumns, "exactly the three requested channels are gone");
        }
    }

    @Test
    void theReserveIsStratifiedDisjointAndWholeWithTheRest() {
        ImageDataset train = SyntheticImages.split(400, 40, 7).train();
        CleanReserve.Split s = CleanReserve.draw(train, 0.05, 3);
        assertEquals(20, s.reserve().size());
        assertEquals(380, s.rest().size());
        int[] counts = s.reserve().classCounts();
        int[] all = train.classCounts();
        for (int c = 0; c < counts.length; c++) {
            assertEquals(20.0 * all[c] / 400, counts[c], 1.0, "class " + c + " keeps its share");
        }
        Set<String> seen = new HashSet<>();
        for (ImageDataset part : new ImageDataset[] {s.reserve(), s.rest()}) {
            for (int i = 0; i < part.size(); i++) {
                byte[] px = new byte[part.imageSize()];
                part.copyImage(i, px, 0);
                assertTrue(seen.add(Arrays.toString(px) + part.label(i)), "an image is in one part only");
            }
        }
        assertEquals(400, seen.size());
        assertArrayEquals(s.reserve().labels(), CleanReserve.draw(train, 0.05, 3).reserve().labels(), "seeded");
    }

    @Test
    void withoutAReserveTheDefenseSaysWhatItNeeds() {
        DefenseContext ctx = new DefenseContext(SyntheticImages.split(40, 8, 1).train(), "tiny-cnn", null, null, null);
        var e = assertThrows(IllegalStateException.class, () -> ctx.requireCleanReserve("fine-pruning"));
        assertTrue(e.getMessage().contains("--clean-reserve"), e.getMessage());
        assertTrue(CleanReserve.needed(FinePruning.METHOD));
        assertTrue(!CleanReserve.needed(CbdDefense.METHOD));
    }

    private static float[][] rows(NDArray a) {
        long[] shape = a.getShape().getShape();
        float[] flat = a.toFloatArray();
        float[][] out = new float[(int) shape[0]][(int) shape[1]];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * out[i].length, out[i], 0, out[i].length);
        }
        return out;
    }
}
