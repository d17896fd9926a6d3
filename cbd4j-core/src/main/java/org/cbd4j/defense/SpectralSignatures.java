package org.cbd4j.defense;

import ai.djl.ndarray.NDManager;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Detection;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;

/**
 * Spectral Signatures ({@code --defense spectral}): within each label class, a backdoor leaves a
 * direction in the penultimate features along which the poisoned samples stand out. Each sample
 * is scored by its squared projection on the top singular vector of its class's centred
 * features; the top 1.5 x expected-poison-rate of every class is removed and a fresh model is
 * trained on the rest.
 *
 * @see <a href="https://arxiv.org/abs/1811.00636">Tran, Li, Madry, Spectral Signatures in Backdoor
 *     Attacks, NeurIPS 2018</a>
 */
public final class SpectralSignatures extends FilterAndRetrain {

    static final Option<Double> EXPECTED_RATE = Option.real("expected-poison-rate", 0.1, "(0, 0.66]",
            "assumed upper bound on the poisoned fraction; 1.5 x it of every class is removed");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("spectral",
            "removes the samples with the largest projection on the top singular vector of each class's features, retrains",
            new Paper("Tran, Li, Madry: Spectral Signatures in Backdoor Attacks, NeurIPS 2018", "https://arxiv.org/abs/1811.00636"),
            java.util.List.of(EXPECTED_RATE), SpectralSignatures::new);

    static final int FEATURE_BATCH = 256;

    private final double expectedPoisonRate;

    SpectralSignatures(OptionValues options) {
        this.expectedPoisonRate = options.get(EXPECTED_RATE);
    }

    @Override
    public String name() {
        return "spectral";
    }

    @Override
    Screening screen(Network net, ImageDataset train, long seed) {
        float[][] features = org.cbd4j.eval.Evaluator.embeddings(net, train, FEATURE_BATCH);
        int n = train.size();
        float[] suspicion = new float[n];
        boolean[] flagged = new boolean[n];
        int[][] classes = FeatureSpace.byClass(train.labels(), train.numClasses());
        for (int c = 0; c < classes.length; c++) {
            int[] idx = classes[c];
            if (idx.length < 2) {
                continue;
            }
            float[] s = scores(net.manager(), features, idx, seed + c);
            double mean = 0;
            for (float v : s) {
                mean += v / s.length;
            }
            // Normalised by the class mean so that scores of different classes are comparable.
            for (int r = 0; r < idx.length; r++) {
                suspicion[idx[r]] = mean > 0 ? (float) (s[r] / mean) : 0f;
            }
            boolean[] top = Detection.topK(s, (int) Math.floor(1.5 * expectedPoisonRate * idx.length));
            for (int r = 0; r < idx.length; r++) {
                flagged[idx[r]] = top[r];
            }
        }
        return new Screening(suspicion, flagged);
    }

    /** Squared projection of each centred row {@code idx} of {@code features} on their top singular vector. */
    static float[] scores(NDManager manager, float[][] features, int[] idx, long seed) {
        float[][] coords = FeatureSpace.principalCoordinates(manager, features, idx, 1, seed);
        float[] s = new float[idx.length];
        for (int r = 0; r < s.length; r++) {
            s[r] = coords[r][0] * coords[r][0];
        }
        return s;
    }
}
