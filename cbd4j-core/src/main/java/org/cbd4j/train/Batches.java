package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Random;
import org.cbd4j.data.ImageDataset;

/** Turns dataset slices into tensors and gives the seeded order of samples per epoch. */
public final class Batches {

    private Batches() {}

    /**
     * The order of sample indices for one epoch: a Fisher-Yates shuffle seeded by (seed, stage,
     * epoch), so an epoch's order does not depend on how many epochs ran before it in this process
     * and no two stages or seeds share an order.
     */
    public static int[] epochOrder(int n, long seed, String stage, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rnd = Seeds.random(seed, stage + "/order", epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Images {@code order[from..to)} as a float32 (N, C, H, W) tensor scaled to [0, 1]. */
    public static NDArray images(NDManager m, ImageDataset d, int[] order, int from, int to) {
        int size = d.imageSize();
        ByteBuffer buf = ByteBuffer.allocateDirect((to - from) * size);
        byte[] one = new byte[size];
        for (int k = from; k < to; k++) {
            d.copyImage(order[k], one, 0);
            buf.put(one);
        }
        buf.flip();
        return fromUint8(m, buf, new Shape(to - from, d.channels(), d.height(), d.width()));
    }

    /**
     * uint8 pixels (CHW planes per image) as the float32 tensor a network takes: scaled to [0, 1].
     * Training, evaluation and prediction all go through here, so they see the same numbers.
     */
    public static NDArray fromUint8(NDManager m, ByteBuffer pixels, Shape shape) {
        NDArray raw = m.create(pixels, shape, DataType.UINT8);
        return raw.toType(DataType.FLOAT32, false).divi(255f);
    }

    /** Labels {@code order[from..to)} as an int64 vector. */
    public static NDArray labels(NDManager m, int[] labels, int[] order, int from, int to) {
        long[] out = new long[to - from];
        for (int k = from; k < to; k++) {
            out[k - from] = labels[order[k]];
        }
        return m.create(out);
    }

    /** Per-sample values {@code order[from..to)} (e.g. precomputed losses) as a float32 vector. */
    public static NDArray values(NDManager m, float[] values, int[] order, int from, int to) {
        float[] out = new float[to - from];
        for (int k = from; k < to; k++) {
            out[k - from] = values[order[k]];
        }
        return m.create(out);
    }

    /** The identity order 0..n-1 (for evaluation passes). */
    public static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }
}
