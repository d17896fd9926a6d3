package org.cbd4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Batches;
import org.cbd4j.train.Losses;

/** Runs a network in inference mode over a dataset, batch by batch, each batch in its own scope. */
public final class Evaluator {

    private Evaluator() {}

    /** Predicted class and per-sample cross-entropy for every image, in dataset order. */
    public record Predictions(int[] classes, float[] losses) {}

    /** Evaluates {@code net} on {@code data} (labels taken from the dataset). */
    public static Predictions predict(Network net, ImageDataset data, int batchSize) {
        int n = data.size();
        int[] classes = new int[n];
        float[] losses = new float[n];
        int[] labels = data.labels();
        int[] order = Batches.identity(n);
        forEachBatch(net, data, batchSize, (bm, from, to, out) -> {
            NDArray logits = out.get(0);
            long[] pred = logits.argMax(1).toLongArray();
            NDArray y = Batches.labels(bm, labels, order, from, to);
            float[] loss = Losses.perSampleCrossEntropy(logits, y).toFloatArray();
            for (int k = 0; k < pred.length; k++) {
                classes[from + k] = (int) pred[k];
                losses[from + k] = loss[k];
            }
        });
        return new Predictions(classes, losses);
    }

    /** The penultimate embedding of every image, one row per image, in dataset order. */
    public static float[][] embeddings(Network net, ImageDataset data, int batchSize) {
        float[][] out = new float[data.size()][];
        forEachBatch(net, data, batchSize, (bm, from, to, outputs) -> {
            NDArray z = outputs.get(1);
            int d = (int) z.getShape().get(1);
            float[] flat = z.toFloatArray();
            for (int k = 0; k < to - from; k++) {
                out[from + k] = java.util.Arrays.copyOfRange(flat, k * d, (k + 1) * d);
            }
        });
        return out;
    }

    /** What is read from one batch's outputs (logits, embedding) before its scope closes. */
    private interface BatchReader {
        void read(NDManager batchManager, int from, int to, NDList outputs);
    }

    private static void forEachBatch(Network net, ImageDataset data, int batchSize, BatchReader reader) {
        int n = data.size();
        int[] order = Batches.identity(n);
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager bm = net.manager().newSubManager()) {
                reader.read(bm, from, to, net.forward(new NDList(Batches.images(bm, data, order, from, to)), false));
            }
        }
    }
}
