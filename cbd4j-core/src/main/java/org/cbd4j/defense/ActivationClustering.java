package org.cbd4j.defense;

import java.util.Locale;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;
import org.cbd4j.method.Paper;
import org.cbd4j.model.Network;
import org.cbd4j.train.Messages;

/**
 * Activation Clustering ({@code --defense activation-clustering}): the penultimate features of
 * each label class are reduced to a few principal dimensions and split by 2-means; a poisoned
 * class splits into its clean images and a smaller cluster of triggered ones. The smaller cluster
 * is flagged when it holds at most {@code --ac-threshold} of its class (the "relative size" rule,
 * 0.35 as in IBM ART), removed, and a fresh model is trained on the rest.
 *
 * <p>Suspicion of a sample: how much closer it lies to its class's smaller cluster than to the
 * larger, {@code (d_large - d_small) / (d_large + d_small)} mapped to [0, 1]; samples of classes
 * whose split is not flagged keep their score, so AUROC measures the split itself.
 *
 * @see <a href="https://arxiv.org/abs/1811.03728">Chen et al., Detecting Backdoor Attacks on Deep
 *     Neural Networks by Activation Clustering, 2018</a>
 */
public final class ActivationClustering extends FilterAndRetrain {

    static final Option<Integer> DIMS = Option.integer("ac-dims", 10, 1, 1024, "principal dimensions kept before 2-means");
    static final Option<Double> THRESHOLD = Option.real("ac-threshold", 0.35, "(0, 0.5)",
            "flag the smaller cluster of a class when it holds at most this fraction of the class");

    /** Registry entry. */
    public static final Method<Defense> METHOD = new Method<>("activation-clustering",
            "splits each class's last-layer activations by 2-means, removes the small cluster, retrains",
            new Paper("Chen et al.: Detecting Backdoor Attacks on Deep Neural Networks by Activation Clustering, 2018",
                    "https://arxiv.org/abs/1811.03728"),
            java.util.List.of(DIMS, THRESHOLD), ActivationClustering::new);

    static final int RESTARTS = 5;

    private final int dims;
    private final double threshold;

    ActivationClustering(OptionValues options) {
        this.dims = options.get(DIMS);
        this.threshold = options.get(THRESHOLD);
    }

    @Override
    public String name() {
        return "activation-clustering";
    }

    @Override
    Screening screen(Network net, ImageDataset train, long seed) {
        float[][] features = org.cbd4j.eval.Evaluator.embeddings(net, train, SpectralSignatures.FEATURE_BATCH);
        int n = train.size();
        float[] suspicion = new float[n];
        boolean[] flagged = new boolean[n];
        int[][] classes = FeatureSpace.byClass(train.labels(), train.numClasses());
        StringBuilder sizes = new StringBuilder();
        for (int c = 0; c < classes.length; c++) {
            int[] idx = classes[c];
            if (idx.length < 2) {
                continue;
            }
            float[][] coords = FeatureSpace.principalCoordinates(net.manager(), features, idx, dims, seed + c);
            int[] assign = TwoMeans.cluster(coords, seed + c, RESTARTS);
            int ones = 0;
            for (int a : assign) {
                ones += a;
            }
            int small = ones * 2 <= idx.length ? 1 : 0;
            double relative = (small == 1 ? ones : idx.length - ones) / (double) idx.length;
            boolean flagClass = relative <= threshold;
            sizes.append(String.format(Locale.ROOT, " %d:%.2f%s", c, relative, flagClass ? "*" : ""));
            double[] centreSmall = TwoMeans.centroid(coords, assign, small);
            double[] centreLarge = TwoMeans.centroid(coords, assign, 1 - small);
            for (int r = 0; r < idx.length; r++) {
                double dSmall = Math.sqrt(TwoMeans.sq(coords[r], centreSmall));
                double dLarge = Math.sqrt(TwoMeans.sq(coords[r], centreLarge));
                double sum = dSmall + dLarge;
                suspicion[idx[r]] = sum == 0 ? 0.5f : (float) (((dLarge - dSmall) / sum + 1) / 2);
                flagged[idx[r]] = flagClass && assign[r] == small;
            }
        }
        Messages.say("activation-clustering: smaller cluster's share per class (* = flagged):" + sizes);
        return new Screening(suspicion, flagged);
    }
}
