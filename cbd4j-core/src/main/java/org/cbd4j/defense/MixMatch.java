package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.stream.IntStream;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Batches;
import org.cbd4j.train.CrashPoints;
import org.cbd4j.train.DivergenceException;
import org.cbd4j.train.Learner;
import org.cbd4j.train.Progress;
import org.cbd4j.train.Seeds;
import org.cbd4j.train.TrainConfig;

/**
 * MixMatch (Berthelot et al., NeurIPS 2019) as DBD's semi-supervised fine-tuning uses it: guessed
 * labels for the unlabelled images from two augmentations, sharpened; MixUp over labelled and
 * unlabelled images together; cross-entropy on the labelled part and a squared error, weighted by
 * a linearly ramped {@code lambda_u}, on the unlabelled part. No EMA model (DBD's code has none).
 */
final class MixMatch {

    private final double lambdaU;
    private final double sharpenTemperature;
    private final double alpha;

    MixMatch(double lambdaU, double sharpenTemperature, double alpha) {
        this.lambdaU = lambdaU;
        this.sharpenTemperature = sharpenTemperature;
        this.alpha = alpha;
    }

    /**
     * One MixMatch epoch: one pass over the labelled set in batches of B, each with B unlabelled
     * images (cycling) in two augmentations; the guessed labels (mean prediction, sharpened), MixUp of
     * all 3B, cross-entropy on the labelled part plus ramped {@code lambda_u} x mean squared error on
     * the rest. One forward pass over the 3B mixed images serves BatchNorm as MixMatch's interleaving does.
     */
    double epoch(Network net, Learner learner, ImageDataset data, int[] labelled, int[] unlabelled,
            TrainConfig cfg, int epoch, int epochs) {
        String stage = "finetune";
        Seeds.seedEpoch(cfg.seed(), stage, epoch);
        int b = Math.min(cfg.batchSize(), Math.min(labelled.length, unlabelled.length));
        int iterations = (labelled.length + b - 1) / b;
        int[] lo = Batches.epochOrder(labelled.length, cfg.seed(), stage + "/labelled", epoch);
        int[] uo = Batches.epochOrder(unlabelled.length, cfg.seed(), stage + "/unlabelled", epoch);
        Random aug = Seeds.random(cfg.seed(), stage + "/augment", epoch);
        Random mix = Seeds.random(cfg.seed(), stage + "/mixup", epoch);
        int k = data.numClasses();
        double sum = 0;
        try (Progress p = new Progress(stage + " epoch " + (epoch + 1) + "/" + epochs, (long) iterations * b)) {
            for (int it = 0; it < iterations; it++) {
                CrashPoints.atBatch(stage, epoch, it);
                int[] li = new int[b];
                int[] ui = new int[b];
                for (int j = 0; j < b; j++) {
                    li[j] = labelled[lo[(it * b + j) % labelled.length]];
                    ui[j] = unlabelled[uo[(it * b + j) % unlabelled.length]];
                }
                double ramp = Math.min(1, (epoch + it / (double) iterations) / epochs);
                float weight = (float) (lambdaU * ramp);
                double lambda = beta(mix, alpha);
                lambda = Math.max(lambda, 1 - lambda);
                float loss;
                try (NDManager bm = net.manager().newSubManager()) {
                    NDArray x = cfg.augmentation().apply(Batches.images(bm, data, li, 0, b), aug);
                    NDArray xt = Batches.labels(bm, data.labels(), li, 0, b).oneHot(k);
                    NDArray u1 = cfg.augmentation().apply(Batches.images(bm, data, ui, 0, b), aug);
                    NDArray u2 = cfg.augmentation().apply(Batches.images(bm, data, ui, 0, b), aug);
                    // Outside the collector (no graph); training mode, as MixMatch guesses.
                    NDArray q = sharpen(net.forward(new NDList(u1), true).get(0).softmax(1)
                            .add(net.forward(new NDList(u2), true).get(0).softmax(1)).div(2), sharpenTemperature);
                    NDArray all = x.concat(u1, 0).concat(u2, 0);
                    NDArray targets = xt.concat(q, 0).concat(q, 0);
                    NDArray perm = permutation(bm, 3 * b, mix);
                    Shape shape = all.getShape();
                    NDArray mixed = all.mul((float) lambda).add(perm.matMul(all.reshape(3L * b, -1)).reshape(shape)
                            .mul((float) (1 - lambda)));
                    NDArray mixedTargets = targets.mul((float) lambda).add(perm.matMul(targets).mul((float) (1 - lambda)));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.forward(new NDList(mixed), true).get(0);
                        NDArray lx = logits.get("0:" + b).logSoftmax(1).mul(mixedTargets.get("0:" + b))
                                .sum(new int[] {1}).mean().neg();
                        NDArray lu = logits.get(b + ":").softmax(1).sub(mixedTargets.get(b + ":")).square().mean();
                        NDArray l = lx.add(lu.mul(weight));
                        loss = l.getFloat();
                        if (!Float.isFinite(loss)) {
                            throw new DivergenceException(stage, epoch, it, loss);
                        }
                        gc.backward(l);
                    }
                    learner.step();
                }
                sum += loss;
                p.step(b, String.format("loss %.4f", sum / (it + 1)));
            }
        }
        return sum / iterations;
    }

    /** Rows of probabilities raised to {@code 1/T} and renormalised: lower temperature, more confident guesses. */
    static NDArray sharpen(NDArray p, double temperature) {
        NDArray q = p.pow((float) (1 / temperature));
        return q.div(q.sum(new int[] {1}, true));
    }

    /** A random (n, n) permutation matrix: row i picks row perm[i]. */
    private static NDArray permutation(NDManager m, int n, Random rnd) {
        int[] perm = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] p = new float[n * n];
        for (int i = 0; i < n; i++) {
            p[i * n + perm[i]] = 1f;
        }
        return m.create(p, new Shape(n, n));
    }

    /** A draw from Beta(a, a), as X / (X + Y) for X, Y ~ Gamma(a). */
    static double beta(Random rnd, double a) {
        double x = gamma(rnd, a);
        return x / (x + gamma(rnd, a));
    }

    /** Gamma(k, 1) by Marsaglia and Tsang; below k = 1 through Gamma(k + 1) U^(1/k). */
    private static double gamma(Random rnd, double k) {
        if (k < 1) {
            return gamma(rnd, k + 1) * Math.pow(rnd.nextDouble(), 1 / k);
        }
        double d = k - 1 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rnd.nextGaussian();
            double v = 1 + c * z;
            if (v > 0) {
                v = v * v * v;
                if (Math.log(rnd.nextDouble()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                    return d * v;
                }
            }
        }
    }
}
