package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.model.Network;
import org.cbd4j.train.Messages;

/**
 * cbd4j's intervention on the confounder (README, "What cbd4j adds to CBD, and why").
 * In CBD's causal view the attack is a confounder B with X &lt;- B -&gt; Y. Re-weighting can only
 * remove the path B -&gt; Y when some samples of the target class do not carry B; a clean-label
 * attack that stamps every target-class image leaves nothing to re-weight. Setting B by hand,
 * do(B), cuts the path instead: f_C sees the pattern f_B relies on for the confounded class
 * (recovered by {@link TriggerInversion}) removed from that class's images and added to images of
 * every other class, with their true labels, so the pattern no longer predicts the class.
 */
public final class Intervention {

    private Intervention() {}

    /**
     * Recovers the pattern f_B relies on for each confounded class ({@link
     * FbCapture#confirmedConfounded}: f_B fits the class as a whole anomalously well in the last
     * two epochs of stage 1). A clean-label
     * attack that stamps the whole target class makes that class the easiest by orders of
     * magnitude; a poison-label attack leaves the target class's median to its clean samples
     * (the re-weighting handles those).
     *
     * @param lossB f_B's loss of every training sample (un-augmented)
     * @param confounded the classes to act on
     * @param report receives the per-class figures and the decision
     * @return pattern per confounded class (key: the class number); empty when none is confounded
     */
    public static Map<String, float[]> recover(Network fB, ImageDataset train, float[] lossB, List<Integer> confounded,
            int steps, long seed, Map<String, Object> report) {
        int k = train.numClasses();
        double[] medians = FbCapture.classMedianLogLoss(lossB, train.labels(), k);
        double[] anomaly = FbCapture.anomalyIndex(medians);
        Map<String, float[]> patterns = new TreeMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", c);
            row.put("median_log_loss_fb", Math.round(medians[c] * 1e4) / 1e4);
            row.put("anomaly", Math.round(anomaly[c] * 1e4) / 1e4);
            if (confounded.contains(c)) {
                long t0 = System.nanoTime();
                TriggerInversion.Pattern p = TriggerInversion.invertClass(fB, train, c, steps, 64, seed);
                patterns.put(String.valueOf(c), p.delta());
                row.put("pattern_norm", Math.round(p.norm() * 1e4) / 1e4);
                row.put("pattern_removal_rate", Math.round(p.success() * 1e4) / 1e4);
                double transfer = TriggerInversion.transferRate(fB, train,
                        TriggerInversion.otherClasses(train, c, 512, seed), p.delta(), c);
                row.put("pattern_transfer_rate", Math.round(transfer * 1e4) / 1e4);
                Messages.sayf("cbd4j: class %d looks confounded (f_B median ln loss %.2f, anomaly %.2f);"
                        + " recovered pattern: L1/pixel %.4f, its removal takes %.1f %% of the class away from it, added"
                        + " to other classes' images it sends %.1f %% of them to the class (%.1f s)", c, medians[c],
                        anomaly[c], p.norm(), 100 * p.success(), 100 * transfer, (System.nanoTime() - t0) / 1e9);
            }
            rows.add(row);
        }
        report.put("intervention_rule", "classes whose median ln(l_B) is more than " + FbCapture.ANOMALY
                + " scaled MADs below the median class in each of the last " + FbCapture.CONFIRM + " f_B epochs");
        report.put("intervention_classes", confounded);
        report.put("class_figures", rows);
        if (patterns.isEmpty()) {
            Messages.say("cbd4j: no class looks confounded; no intervention");
        }
        return patterns;
    }

    /**
     * The share of other classes' images a class's recovered pattern must send to the class for
     * the class to count as confounded ({@link #carriesTrigger}).
     */
    static final double TRANSFER_MIN = 0.1;

    /**
     * Whether the pattern f_B relies on for class {@code c} ({@link TriggerInversion}) is a trigger:
     * added to 512 images of other classes, it makes f_B assign at least {@link #TRANSFER_MIN} of
     * them to c. A clean-label trigger stamped on the whole class carries the class by itself,
     * whatever image it is put on; the pattern of a naturally easy class is that class's own
     * shape, which does not turn a shirt into trousers (clean Fashion-MNIST: 0.2 % and 2.0 % for
     * trousers and sandals; docs/RESULTS.md).
     *
     * @param log receives the class's figures
     */
    public static boolean carriesTrigger(Network fB, ImageDataset train, int c, int steps, long seed,
            List<Map<String, Object>> log) {
        TriggerInversion.Pattern p = TriggerInversion.invertClass(fB, train, c, steps, 64, seed);
        double transfer = TriggerInversion.transferRate(fB, train, TriggerInversion.otherClasses(train, c, 512, seed),
                p.delta(), c);
        boolean trigger = transfer >= TRANSFER_MIN;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("class", c);
        row.put("pattern_norm", Math.round(p.norm() * 1e4) / 1e4);
        row.put("pattern_removal_rate", Math.round(p.success() * 1e4) / 1e4);
        row.put("pattern_transfer_rate", Math.round(transfer * 1e4) / 1e4);
        row.put("trigger", trigger);
        log.add(row);
        Messages.sayf("cbd4j: class %d is fitted anomalously well as a whole; its pattern sends %.1f %% of other classes' "
                + "images to it: %s", c, 100 * transfer, trigger ? "a trigger, the class counts as confounded"
                        : "not a trigger (under " + Math.round(100 * TRANSFER_MIN) + " %), the class is left alone");
        return trigger;
    }

    /**
     * Sets the confounder by hand on a batch: each image is chosen with probability {@code rate};
     * a chosen image of a confounded class has that class's pattern removed, a chosen image of
     * any other class gets the pattern of a confounded class (drawn uniformly) added, both at a
     * strength drawn uniformly from [0, 2] so that how strongly an image carries the pattern says
     * nothing about its label. Results are clipped to [0, 1]; labels are not changed.
     *
     * @param x batch (N, C, H, W) of {@code order[from..to)}
     * @param patterns pattern per confounded class (key: the class number), C*H*W values each
     */
    public static NDArray stamp(NDArray x, Map<String, float[]> patterns, int[] labels, int[] order, int from, int to,
            double rate, Random rnd) {
        Shape s = x.getShape();
        int size = (int) (s.get(1) * s.get(2) * s.get(3));
        int n = to - from;
        float[] add = new float[n * size];
        boolean any = false;
        List<Integer> classes = new ArrayList<>();
        for (String k : patterns.keySet()) {
            classes.add(Integer.parseInt(k));
        }
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() >= rate) {
                continue;
            }
            int y = labels[order[from + i]];
            boolean own = classes.contains(y);
            int c = own ? y : classes.get(rnd.nextInt(classes.size()));
            float strength = (float) (2 * rnd.nextDouble()) * (own ? -1 : 1);
            float[] p = patterns.get(String.valueOf(c));
            for (int j = 0; j < size; j++) {
                add[i * size + j] = strength * p[j];
            }
            any = true;
        }
        if (!any) {
            return x;
        }
        return x.add(x.getManager().create(add, s)).clip(0f, 1f);
    }
}
