package org.cbd4j.defense;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.model.Network;

/**
 * CBD's per-sample scores from the two networks' losses on un-augmented images (docs/METHOD.md §2,
 * "Final scores and flagging"): the suspicion {@code 1 - l_B / (l_B + l_C + 1e-8)} and the
 * unsupervised flagging rule. {@link CbdDefense} scores its training set with them after stage 2;
 * {@code cbd audit} and {@code org.cbd4j.pipeline.CbdScorer} score any data set with the same
 * code, so a finished run's {@code sample_scores.csv} can be reproduced from its saved models.
 */
public final class CbdScores {

    private CbdScores() {}

    /** {@code l_B / (l_B + l_C + 1e-8)} per sample: CBD's raw weight, in [0, 1]. */
    public static float[] rawWeights(float[] lossB, float[] lossC) {
        check(lossB, lossC);
        float[] w = new float[lossB.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = lossB[i] / (lossB[i] + lossC[i] + CbdWeights.EPS);
        }
        return w;
    }

    /** {@code 1 - raw weight} per sample: high when f_B fits the sample far better than f_C. */
    public static float[] suspicion(float[] lossB, float[] lossC) {
        float[] s = rawWeights(lossB, lossC);
        for (int i = 0; i < s.length; i++) {
            s[i] = 1f - s[i];
        }
        return s;
    }

    /** How {@link #flagged} decides, for run reports. */
    static final String FLAGGING_RULE = "high component of a two-component Gaussian mixture (started from Otsu's cut) "
            + "fitted to ln(l_C) - ln(l_B), kept when Ashman's D > 2 and that component is a minority";

    /**
     * The unsupervised flagging rule: the {@link Bimodal} split of {@code ln l_C - ln l_B} (f_B
     * fits a poisoned sample, f_C does not), kept only when the two groups are separate populations
     * (Ashman's D &gt; 2) and the flagged one is the minority. No threshold is tuned on labels; on
     * clean data the score is one population and nothing is flagged. The rule looks at the whole
     * set it is given, so a set is flagged as one. CBD's weight gate picks its suspects with it too.
     */
    public static boolean[] flagged(float[] lossB, float[] lossC) {
        check(lossB, lossC);
        double[] score = logRatio(lossB, lossC);
        Bimodal.Split split = Bimodal.split(score);
        if (split.highShare() >= 0.5) {
            return new boolean[score.length];
        }
        return Bimodal.highGroup(score, split);
    }

    /**
     * The flags that fall in {@code classes} (all of them when {@code classes} is empty): CBD's
     * final flags once stage 1 has named the classes the poison lives in (a target class split
     * off a low minority, a class confounded as a whole). The whole-set split also takes in clean
     * samples of easy classes that f_B, trained at a constant rate, fits far better than f_C: on
     * Blend (seed 0) 3,964 of 9,748 flags were bags, ankle boots and pullovers, precision 0.59;
     * within the named class 1.00 at the same recall (docs/RESULTS.md).
     */
    public static boolean[] withinClasses(boolean[] flagged, int[] labels, java.util.Collection<Integer> classes) {
        boolean[] out = flagged.clone();
        if (classes.isEmpty()) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] &= classes.contains(labels[i]);
        }
        return out;
    }

    /**
     * {@link #withinClasses}, and for a named class none of whose samples the whole-set split
     * flagged, the high group of the split of its own {@code ln l_C - ln l_B} when separated
     * (Ashman's D &gt; 2) and at most {@link ClassSignatures#CLASS_LOW_SHARE_MAX} of the class. At 1 %
     * poisoning the 600 poisoned images are too few to form a group of the whole set (blend, seed 0:
     * 0 flagged at detection AUROC 0.993), while inside their class they stand apart (median 5.75
     * against -0.08; docs/RESULTS.md).
     */
    public static boolean[] withinClasses(float[] lossB, float[] lossC, int[] labels,
            java.util.Collection<Integer> classes) {
        boolean[] out = withinClasses(flagged(lossB, lossC), labels, classes);
        double[] score = logRatio(lossB, lossC);
        for (int c : classes) {
            int[] idx = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
            if (java.util.Arrays.stream(idx).anyMatch(i -> out[i])) {
                continue;
            }
            double[] own = java.util.Arrays.stream(idx).mapToDouble(i -> score[i]).toArray();
            Bimodal.Split split = Bimodal.split(own);
            if (split.separated() && split.highShare() <= ClassSignatures.CLASS_LOW_SHARE_MAX) {
                boolean[] high = Bimodal.highGroup(own, split);
                for (int k = 0; k < idx.length; k++) {
                    out[idx[k]] = high[k];
                }
            }
        }
        return out;
    }

    /**
     * Where {@link #flagged} cuts {@code ln l_C - ln l_B} (flagged above it), or NaN when it flags
     * nothing; the HTML report marks it on the suspicion histogram.
     */
    public static double flaggingThreshold(float[] lossB, float[] lossC) {
        check(lossB, lossC);
        Bimodal.Split split = Bimodal.split(logRatio(lossB, lossC));
        return split.separated() && split.highShare() < 0.5 ? split.threshold() : Double.NaN;
    }

    /** {@code ln(l_C + 1e-8) - ln(l_B + 1e-8)} per sample; the floor keeps underflowed losses finite. */
    public static double[] logRatio(float[] lossB, float[] lossC) {
        double[] r = new double[lossB.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.log(lossC[i] + 1e-8) - Math.log(lossB[i] + 1e-8);
        }
        return r;
    }

    /**
     * The loss CBD assumes for an f_C that has not trained yet: {@code ln K} for every sample,
     * what a uniform prediction over K classes costs (f_C's losses before its first epoch in
     * {@link CbdDefense}). With it, the suspicion falls as l_B rises, and the flagging rule becomes
     * stage 1's whole-set split of {@code ln l_B}: the low group when it is a separate minority.
     */
    public static float[] untrainedLosses(int numClasses, int n) {
        float[] l = new float[n];
        Arrays.fill(l, (float) Math.log(numClasses));
        return l;
    }

    /**
     * CBD without f_C epochs ({@code cbd audit --fc-epochs 0}; {@code cbd train} needs at least
     * one): detection from f_B alone. f_C's loss is what CBD assumes before f_C's first epoch,
     * {@link #untrainedLosses}, so the scores rank by f_B's loss after its last epoch and the
     * flagged set is the low group of ln l_B when it is a separate minority. The intervention and
     * the weights are not computed, since nothing would use them. The result's model is f_B.
     */
    static DefenseResult fbAlone(Network fB, ImageDataset train, Map<String, float[]> fbLosses,
            Map<String, Object> report) {
        float[] lossB = Evaluator.predict(fB, train, 256).losses();
        float[] lossC = untrainedLosses(train.numClasses(), train.size());
        Map<String, float[]> columns = new LinkedHashMap<>();
        columns.put("loss_fb", lossB);
        columns.put("loss_fc", lossC);
        columns.putAll(fbLosses);
        report.put("fc_epochs", 0);
        report.put("flagging_rule", FLAGGING_RULE + "; no f_C epoch ran, so l_C = ln K (an untrained f_C) for every sample");
        return new DefenseResult(fB, new LinkedHashMap<>(), suspicion(lossB, lossC), flagged(lossB, lossC), columns,
                report);
    }

    private static void check(float[] lossB, float[] lossC) {
        if (lossB.length != lossC.length) {
            throw new IllegalArgumentException(lossB.length + " f_B losses for " + lossC.length + " f_C losses");
        }
    }
}
