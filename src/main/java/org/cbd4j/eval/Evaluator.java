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
        int[] order = Batches.identity(n);
        int[] labels = data.labels();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager bm = net.manager().newSubManager()) {
                NDArray x = Batches.images(bm, data, order, from, to);
                NDArray y = Batches.labels(bm, labels, order, from, to);
                NDList out = net.forward(new NDList(x), false);
                NDArray logits = out.get(0);
                long[] pred = logits.argMax(1).toLongArray();
                float[] loss = Losses.perSampleCrossEntropy(logits, y).toFloatArray();
                for (int k = 0; k < pred.length; k++) {
                    classes[from + k] = (int) pred[k];
                    losses[from + k] = loss[k];
                }
            }
        }
        return new Predictions(classes, losses);
    }
}
