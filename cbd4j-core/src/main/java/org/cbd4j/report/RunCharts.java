package org.cbd4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cbd4j.eval.Detection;

/**
 * The chart sections of a run's report, each from the file that holds its data: training curves
 * and sample weights ({@code metrics.csv}), suspicion histogram and ROC ({@code sample_scores.csv}),
 * embeddings ({@code embeddings.csv}) and confusion matrices ({@code confusion.csv}). A section
 * whose data is absent says why instead.
 */
final class RunCharts {

    static final double[] PERCENT = {0, 100};
    static final int BINS = 30;
    /** ROC vertices closer than this (in both rates) to the last one drawn are skipped. */
    static final double ROC_STEP = 1.0 / 400;

    private final Path dir;
    private final String defense;
    private final JsonNode summary;

    RunCharts(Path dir, String defense, JsonNode summary) {
        this.dir = dir;
        this.defense = defense;
        this.summary = summary;
    }

    /** Loss, CA, ASR and RA per epoch, one series per stage, stages in training order. */
    String curves() throws IOException {
        Path file = dir.resolve("metrics.csv");
        if (!Files.isRegularFile(file)) {
            return Html.missing("No metrics.csv: the run wrote no epoch yet.");
        }
        Csv m = Csv.read(file);
        if (m.size() == 0) {
            return Html.missing("metrics.csv has no rows: the run finished no epoch yet.");
        }
        String[] stages = m.text("stage");
        String[][] metrics = {{"loss", "training loss", "loss"}, {"ca", "clean accuracy", "CA (%)"},
            {"asr", "attack success rate", "ASR (%)"}, {"ra", "robust accuracy", "RA (%)"}};
        List<String> figures = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String[] metric : metrics) {
            double[] y = m.numbers(metric[0]);
            List<Charts.Series> series = byStage(stages, y);
            if (series.isEmpty()) {
                absent.add(metric[0].toUpperCase(Locale.ROOT));
                continue;
            }
            figures.add(Html.figure(capitalised(metric[1]), Charts.line("curve-" + metric[0], "epoch (all stages in order)",
                    metric[2], series, metric[0].equals("loss") ? null : PERCENT), null));
        }
        String out = Html.note("Epochs are numbered through all stages in the order they ran: " + stageRanges(stages)
                + ". CA, ASR and RA are measured after every epoch on the clean and the triggered test set.")
                + Html.figures(figures);
        if (!absent.isEmpty()) {
            out += Html.missing(String.join(" and ", absent) + (absent.size() == 1 ? " is" : " are")
                    + " not drawn: metrics.csv has no value for " + (absent.size() == 1 ? "it" : "them")
                    + (absent.contains("ASR") ? " (no attack, so there is no triggered test set)." : "."));
        }
        return out;
    }

    /** CBD's mean weight of poisoned and of clean samples in every epoch that used weights. */
    String weights() throws IOException {
        Path file = dir.resolve("metrics.csv");
        if (!Files.isRegularFile(file)) {
            return Html.missing("No metrics.csv: the run wrote no epoch yet.");
        }
        Csv m = Csv.read(file);
        double[] x = new double[m.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        List<Charts.Series> series = new ArrayList<>();
        double max = 0;
        for (String[] w : new String[][] {{"weight_poisoned", "poisoned samples", Charts.POISONED},
            {"weight_clean", "clean samples", Charts.colour(0)}}) {
            if (m.has(w[0])) {
                double[] y = m.numbers(w[0]);
                for (double v : y) {
                    max = Double.isFinite(v) ? Math.max(max, v) : max;
                }
                if (java.util.Arrays.stream(y).anyMatch(Double::isFinite)) {
                    series.add(new Charts.Series(w[1], w[2], x, y));
                }
            }
        }
        if (series.isEmpty()) {
            return Html.missing("The " + defense + " defense does not weight samples: metrics.csv has no sample weights.");
        }
        String chart = Charts.line("weights", "epoch (all stages in order)", "mean sample weight", series,
                new double[] {1, x.length}, max <= 1 ? new double[] {0, 1} : null, true, true);
        String out = Html.figures(List.of(Html.figure("Mean weight per epoch", chart, "The mean weight f_C gave the "
                + "poisoned and the clean training samples in each epoch (reporting only: the defense never sees which "
                + "samples are poisoned).")));
        return series.size() == 1 && series.get(0).colour().equals(Charts.colour(0))
                ? out + Html.missing("Only the clean samples' weight is drawn: nothing is poisoned in this run.") : out;
    }

    /** The histogram of final suspicion scores, poisoned against clean, with the flagging cut. */
    String suspicion(SampleScores s) {
        if (s.suspicion() == null) {
            return Html.missing("The " + defense + " defense gives no per-sample suspicion score "
                    + "(sample_scores.csv has no suspicion column).");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : s.suspicion()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo >= 0 && hi <= 1) {
            lo = 0;
            hi = 1;
        } else if (hi <= lo) {
            hi = lo + 1;
        }
        double[] edges = new double[BINS + 1];
        for (int b = 0; b <= BINS; b++) {
            edges[b] = lo + (hi - lo) * b / BINS;
        }
        boolean attacked = s.poisonedCount() > 0;
        List<Charts.Series> groups = new ArrayList<>();
        groups.add(new Charts.Series(attacked ? "clean (" + (s.size() - s.poisonedCount()) + ")" : "all samples ("
                + s.size() + ")", Charts.colour(0), null, shares(s, edges, lo, hi, false)));
        if (attacked) {
            groups.add(new Charts.Series("poisoned (" + s.poisonedCount() + ")", Charts.POISONED, null,
                    shares(s, edges, lo, hi, true)));
        }
        double cut = threshold(s);
        int flagged = s.flaggedCount();
        String chart = Charts.histogram("suspicion-histogram", "suspicion score", "share of the group (%)", edges,
                groups, cut, Double.isFinite(cut) ? "flagged above " + Html.fmt(cut, 3) : "");
        StringBuilder caption = new StringBuilder("Final suspicion of every training sample (higher = more suspect), as "
                + "a share of its group so that a small poisoned group stays visible. ");
        if (s.flagged() == null) {
            caption.append("The defense flags no samples by rule.");
        } else if (flagged == 0) {
            caption.append("Nothing is flagged: the rule found no separate minority.");
        } else if (Double.isFinite(cut)) {
            caption.append(flagged).append(" samples flagged (dashed line: the cut)");
            if (attacked) {
                caption.append(", ").append(s.flaggedPoisoned()).append(" of them poisoned");
            }
            caption.append('.');
        } else {
            caption.append(flagged).append(" samples flagged by a rule that is not one cut of this score (per class).");
        }
        String out = Html.figures(List.of(Html.figure("Suspicion scores", chart, caption.toString())));
        return attacked ? out : out + Html.missing("Nothing is poisoned (no attack), so there is no poisoned group.");
    }

    /** The cut between flagged and unflagged samples on the suspicion scale, NaN when there is none. */
    double threshold(SampleScores s) {
        JsonNode rep = summary == null ? null : summary.path("defense_report").get("flagging_threshold_suspicion");
        if (rep != null && rep.isNumber()) {
            return rep.doubleValue();
        }
        if (s.flagged() == null || s.flaggedCount() == 0 || s.flaggedCount() == s.size()) {
            return Double.NaN;
        }
        double maxOut = Double.NEGATIVE_INFINITY;
        double minIn = Double.POSITIVE_INFINITY;
        for (int i = 0; i < s.size(); i++) {
            if (s.flagged()[i]) {
                minIn = Math.min(minIn, s.suspicion()[i]);
            } else {
                maxOut = Math.max(maxOut, s.suspicion()[i]);
            }
        }
        return maxOut < minIn ? (maxOut + minIn) / 2 : Double.NaN;
    }

    private static double[] shares(SampleScores s, double[] edges, double lo, double hi, boolean poisoned) {
        double[] h = new double[edges.length - 1];
        int n = 0;
        for (int i = 0; i < s.size(); i++) {
            if (s.poisoned()[i] == poisoned || (!poisoned && s.poisonedCount() == 0)) {
                int b = (int) Math.floor((s.suspicion()[i] - lo) / (hi - lo) * h.length);
                h[Math.max(0, Math.min(h.length - 1, b))]++;
                n++;
            }
        }
        for (int b = 0; b < h.length; b++) {
            h[b] = n == 0 ? 0 : 100 * h[b] / n;
        }
        return h;
    }

    /** The detection ROC from sample_scores.csv, with its area beside the one in summary.json. */
    String roc(SampleScores s) {
        if (s.suspicion() == null) {
            return Html.missing("No ROC: the " + defense + " defense gives no suspicion score.");
        }
        if (s.poisonedCount() == 0 || s.poisonedCount() == s.size()) {
            return Html.missing("No ROC: it needs poisoned and clean samples, and " + (s.poisonedCount() == 0
                    ? "nothing is poisoned (no attack)." : "every sample is poisoned."));
        }
        Detection.Roc roc = Detection.roc(s.suspicion(), s.poisoned());
        List<Double> fx = new ArrayList<>();
        List<Double> fy = new ArrayList<>();
        for (int k = 0; k < roc.fpr().length; k++) {
            boolean end = k == 0 || k == roc.fpr().length - 1;
            if (end || Math.abs(roc.fpr()[k] - fx.get(fx.size() - 1)) >= ROC_STEP
                    || Math.abs(roc.tpr()[k] - fy.get(fy.size() - 1)) >= ROC_STEP) {
                fx.add(roc.fpr()[k]);
                fy.add(roc.tpr()[k]);
            }
        }
        List<Charts.Series> series = List.of(
                new Charts.Series("chance", "#999999", new double[] {0, 1}, new double[] {0, 1}),
                new Charts.Series("suspicion score", Charts.colour(0), unbox(fx), unbox(fy)));
        String chart = Charts.line("roc", "false-positive rate", "true-positive rate", series,
                new double[] {0, 1}, new double[] {0, 1}, false, false);
        JsonNode recorded = summary == null ? null : summary.get("detection_auroc");
        String caption = String.format(Locale.ROOT, "AUROC %.4f, computed here from sample_scores.csv", roc.area())
                + (recorded != null && recorded.isNumber() ? String.format(Locale.ROOT, " (summary.json: %.4f)",
                        recorded.doubleValue()) : "") + ".";
        if (s.flagged() != null) {
            caption += String.format(Locale.ROOT, " The flagged set sits at FPR %.3f, TPR %.3f.",
                    (double) (s.flaggedCount() - s.flaggedPoisoned()) / (s.size() - s.poisonedCount()),
                    (double) s.flaggedPoisoned() / s.poisonedCount());
        }
        return Html.figures(List.of(Html.figure("Detection ROC", chart, caption)));
    }

    /** f_B's and f_C's (or the final model's) embeddings of the sampled images on their first two principal components. */
    String embeddings() throws IOException {
        Path file = dir.resolve("embeddings.csv");
        if (!Files.isRegularFile(file)) {
            return Html.missing("No embeddings.csv: the run has not finished, or was written by a cbd4j without it.");
        }
        Csv e = Csv.read(file);
        String[] nets = e.text("net");
        double[] label = e.numbers("label");
        double[] poisoned = e.numbers("poisoned");
        double[] pc1 = e.numbers("pc1");
        double[] pc2 = e.numbers("pc2");
        int classes = 0;
        for (double l : label) {
            classes = Math.max(classes, (int) l + 1);
        }
        Map<String, List<Integer>> byNet = new LinkedHashMap<>();
        for (int i = 0; i < nets.length; i++) {
            byNet.computeIfAbsent(nets[i], k -> new ArrayList<>()).add(i);
        }
        List<String> figures = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> net : byNet.entrySet()) {
            List<Charts.Series> series = new ArrayList<>();
            int groups = classes <= Charts.PALETTE.size() ? classes : 1;
            for (int g = 0; g <= groups; g++) {
                boolean poisonedGroup = g == groups;
                int cls = g;
                List<Integer> rows = net.getValue().stream().filter(i -> (poisoned[i] == 1) == poisonedGroup
                        && (poisonedGroup || groups == 1 || (int) label[i] == cls)).toList();
                if (rows.isEmpty()) {
                    continue;
                }
                String name = poisonedGroup ? "poisoned" : groups == 1 ? "clean" : "class " + g;
                series.add(new Charts.Series(name, poisonedGroup ? Charts.POISONED : Charts.colour(g),
                        rows.stream().mapToDouble(i -> pc1[i]).toArray(), rows.stream().mapToDouble(i -> pc2[i]).toArray()));
            }
            long p = net.getValue().stream().filter(i -> poisoned[i] == 1).count();
            String id = "embedding-" + net.getKey().replaceAll("[^A-Za-z0-9_-]", "_");
            figures.add(Html.figure(net.getKey() + (net.getKey().equals("f_B") ? " (the deliberately backdoored network)"
                    : " (final model)"), Charts.scatter(id, "first principal component", "second principal component",
                    series), net.getValue().size() + " training images (" + p + " poisoned, red), a seeded sample "
                    + "stratified by class; clean images coloured by their label."));
        }
        return Html.note("Each network's penultimate embedding projected on its own first two principal components.")
                + Html.figures(figures);
    }

    /** The final model's confusion matrices on the clean and the triggered test set. */
    String confusion(List<String> classNames) throws IOException {
        Path file = dir.resolve("confusion.csv");
        if (!Files.isRegularFile(file)) {
            return Html.missing("No confusion.csv: the run has not finished, or was written by a cbd4j without it.");
        }
        Csv c = Csv.read(file);
        String[] set = c.text("set");
        double[] t = c.numbers("true_class");
        double[] p = c.numbers("predicted_class");
        double[] n = c.numbers("count");
        int k = 0;
        for (int i = 0; i < t.length; i++) {
            k = Math.max(k, (int) Math.max(t[i], p[i]) + 1);
        }
        String[] names = new String[k];
        for (int i = 0; i < k; i++) {
            names[i] = Integer.toString(i);
        }
        List<String> figures = new ArrayList<>();
        for (String which : new String[] {"clean", "triggered"}) {
            long[][] m = new long[k][k];
            boolean any = false;
            for (int i = 0; i < set.length; i++) {
                if (set[i].equals(which)) {
                    m[(int) t[i]][(int) p[i]] += (long) n[i];
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            String caption = which.equals("clean") ? "Rows: true class; columns: predicted class; shade: share of the row."
                    : "Rows: the true class of each triggered image; the attack's target column collects its successes.";
            figures.add(Html.figure((which.equals("clean") ? "Clean" : "Triggered") + " test images",
                    Charts.heatmap("confusion-" + which, "true class", "predicted class", names, names, m), caption));
        }
        String out = Html.figures(figures);
        if (figures.size() < 2) {
            out += Html.missing("No triggered test set (no attack): only the clean matrix is drawn.");
        }
        if (!classNames.isEmpty() && classNames.size() == k) {
            List<String> legend = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                legend.add(i + " = " + classNames.get(i));
            }
            out += Html.note("Classes: " + String.join(", ", legend) + ".");
        }
        return out;
    }

    private static List<Charts.Series> byStage(String[] stages, double[] y) {
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < stages.length; i++) {
            rows.computeIfAbsent(stages[i], k -> new ArrayList<>()).add(i);
        }
        List<Charts.Series> out = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(i -> i + 1).toArray();
            double[] ys = e.getValue().stream().mapToDouble(i -> y[i]).toArray();
            if (java.util.Arrays.stream(ys).anyMatch(Double::isFinite)) {
                out.add(new Charts.Series(e.getKey(), Charts.colour(k), xs, ys));
            }
            k++;
        }
        return out;
    }

    private static String stageRanges(String[] stages) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= stages.length; i++) {
            if (i == stages.length || !stages[i].equals(stages[start])) {
                parts.add(stages[start] + " " + (start + 1 == i ? Integer.toString(i) : (start + 1) + "-" + i));
                start = i;
            }
        }
        return String.join(", ", parts);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static double[] unbox(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
