package org.cbd4j.defense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What one epoch of f_B's per-sample losses says about each class on its own, without memory of
 * earlier epochs: which classes are fitted anomalously well as a whole, and which split off a
 * separate low-loss minority of their own. {@link FbCapture} asks these each epoch and decides
 * from their history when stage 1 has captured the trigger; the intervention and the flagging
 * rule use the same measures.
 */
public final class ClassSignatures {

    /** Added to l_B before the logarithm (a loss of 0 has none). */
    static final double FLOOR = 1e-8;

    /** Robust z-score below the median class at which a class counts as confounded. */
    static final double ANOMALY = 2.0;

    private ClassSignatures() {}

    /**
     * Classes whose own {@code ln(l_B)} splits ({@link Bimodal}) into a separate low group that is
     * at most {@link #CLASS_LOW_SHARE_MAX} of the class and fitted better than almost all samples of
     * the other classes (its component mean below at least {@link #CLASS_LOW_BELOW_OTHERS} of
     * them): the shape all-to-one poisoning gives the target class once f_B fits the trigger. The
     * last condition keeps out clean classes with an easy part, and the target class before
     * capture, when its clean samples can be the low group.
     *
     * @param logLoss {@code ln(l_B)} per sample, dataset order
     */
    public static List<Integer> classesWithLowMinority(double[] logLoss, int[] labels, int numClasses) {
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            int inClass = 0;
            for (int y : labels) {
                inClass += y == c ? 1 : 0;
            }
            double[] own = new double[inClass];
            double[] others = new double[labels.length - inClass];
            for (int i = 0, a = 0, b = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    own[a++] = logLoss[i];
                } else {
                    others[b++] = logLoss[i];
                }
            }
            Bimodal.Split split = Bimodal.split(own);
            if (split.separated() && 1 - split.highShare() <= CLASS_LOW_SHARE_MAX && others.length > 0
                    && fractionAbove(others, split.lowMean()) >= CLASS_LOW_BELOW_OTHERS) {
                out.add(c);
            }
        }
        return out;
    }

    /** Dataset indices of class c's samples in the low group of the split of the class's own {@code ln(l_B)}. */
    static int[] lowGroup(double[] logLoss, int[] labels, int c) {
        int[] idx = IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
        double[] own = Arrays.stream(idx).mapToDouble(i -> logLoss[i]).toArray();
        boolean[] high = Bimodal.highGroup(own, Bimodal.split(own));
        return IntStream.range(0, idx.length).filter(k -> !high[k]).map(k -> idx[k]).toArray();
    }

    /**
     * The largest share of its class a low group may have and still count as the poisoned part of a
     * target class. Not one half: all-to-one poisoning at a 10 % rate over 10 balanced classes
     * makes the poisoned samples exactly half of the target class (6,000 of the 12,000 labelled 0
     * on the Fashion-MNIST quickstart), and the split's low share then fell on either side of 0.5
     * with rounding (0.4996 and 0.5008 in two epochs of one run, 0.4919 in a bf16 run), which
     * decided whether CBD re-weighted the whole class (ASR 1.31) or not (2.29; docs/RESULTS.md).
     * Two thirds admits rates up to 20 % at 10 classes and still rejects a clean class's easy
     * three-quarter majority.
     */
    static final double CLASS_LOW_SHARE_MAX = 2.0 / 3;

    /**
     * The share of the other classes' samples a class's low group must lie below (its mean
     * {@code ln l_B} under theirs). Measured on Fashion-MNIST: poisoned low groups of the target
     * class lay below 84-100 % of the other classes' samples (WaNet, fifth session) and 86-100 %
     * (badnets, blend, sig, wanet, adap-patch and the quickstart, eighth session); clean classes'
     * low groups below 28-79 % (fifth session) and 65-70 % (pullovers on clean data, eighth
     * session, where the former bound, the median, named the class in two epochs running and CBD
     * re-weighted all of it, costing about 5 points of CA; docs/RESULTS.md).
     */
    static final double CLASS_LOW_BELOW_OTHERS = 0.8;

    /**
     * Classes whose median {@code ln(l_B + 1e-8)} lies more than {@link #ANOMALY} scaled MADs
     * below the median of the classes' medians (Neural Cleanse's anomaly index, on losses).
     */
    public static List<Integer> confoundedClasses(float[] lossB, int[] labels, int numClasses) {
        double[] anomaly = anomalyIndex(classMedianLogLoss(lossB, labels, numClasses));
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (anomaly[c] > ANOMALY) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Neural Cleanse's anomaly index of each value, (median - value) / (1.4826 MAD), positive
     * below the median.
     */
    public static double[] anomalyIndex(double[] values) {
        double med = median(values);
        double[] dev = Arrays.stream(values).map(v -> Math.abs(v - med)).toArray();
        double mad = 1.4826 * median(dev);
        return Arrays.stream(values).map(v -> (med - v) / Math.max(mad, 1e-12)).toArray();
    }

    /** The fraction of {@code v} strictly above {@code x}. */
    private static double fractionAbove(double[] v, double x) {
        int above = 0;
        for (double d : v) {
            above += d > x ? 1 : 0;
        }
        return above / (double) v.length;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Median of {@code ln(l_B + 1e-8)} over each class's samples. */
    public static double[] classMedianLogLoss(float[] lossB, int[] labels, int numClasses) {
        float[] logs = new float[lossB.length];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = (float) Math.log(lossB[i] + FLOOR);
        }
        float[] med = CbdWeights.classMedians(logs, labels, numClasses);
        double[] out = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            out[c] = med[c];
        }
        return out;
    }
}
