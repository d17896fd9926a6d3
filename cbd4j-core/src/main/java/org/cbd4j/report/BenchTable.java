package org.cbd4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results of a bench grid: one CSV row per cell, and Markdown tables in the layout of the
 * CBD paper (per attack, CA / ASR under every defense; then RA, DER and RIR; then detection), with
 * mean ± sample standard deviation over seeds.
 */
public final class BenchTable {

    /** One finished (or failed) cell; {@code metrics} is its summary (ca, asr, ra, der, rir, detection_*). */
    public record Row(String dataset, String attack, String defense, long seed, String status, Map<String, Object> metrics,
            String runDir) {}

    static final List<String> METRICS = List.of("ca", "asr", "ra", "der", "rir", "detection_auroc", "detection_precision",
            "detection_recall", "flagged", "wall_seconds");

    /** Metrics in percent (two decimals); the others are fractions (three). */
    static final List<String> PERCENT = List.of("ca", "asr", "ra");

    private BenchTable() {}

    /** One line per cell. */
    public static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("dataset,attack,defense,seed,status");
        METRICS.forEach(m -> sb.append(',').append(m));
        sb.append(",run_dir\n");
        for (Row r : rows) {
            sb.append(r.dataset()).append(',').append(r.attack()).append(',').append(r.defense()).append(',')
                    .append(r.seed()).append(',').append(csvField(r.status()));
            for (String m : METRICS) {
                Object v = r.metrics().get(m);
                sb.append(',').append(v == null ? "" : v.toString());
            }
            sb.append(',').append(csvField(r.runDir())).append('\n');
        }
        return sb.toString();
    }

    /** Markdown tables, one set per dataset. */
    public static String markdown(List<Row> rows, List<String> defenses) {
        StringBuilder sb = new StringBuilder();
        Set<String> datasets = new LinkedHashSet<>();
        rows.forEach(r -> datasets.add(r.dataset()));
        for (String d : datasets) {
            Map<String, List<Row>> byAttack = new LinkedHashMap<>();
            rows.stream().filter(r -> r.dataset().equals(d)).forEach(r -> byAttack.computeIfAbsent(r.attack(), k -> new ArrayList<>()).add(r));
            sb.append("## ").append(d).append("\n\n");
            table(sb, "CA / ASR (%)", byAttack, defenses, List.of("ca", "asr"));
            table(sb, "RA (%) / DER / RIR", byAttack, defenses, List.of("ra", "der", "rir"));
            table(sb, "Detection AUROC / precision / recall of the flagged samples", byAttack, defenses,
                    List.of("detection_auroc", "detection_precision", "detection_recall"));
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, Map<String, List<Row>> byAttack, List<String> defenses,
            List<String> metrics) {
        sb.append("**").append(title).append("**\n\n| attack |");
        defenses.forEach(def -> sb.append(' ').append(def).append(" |"));
        sb.append("\n|---|");
        defenses.forEach(def -> sb.append("---|"));
        sb.append('\n');
        for (List<String> cells : cells(byAttack, defenses, metrics)) {
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        sb.append('\n');
    }

    /** The three tables of {@link #markdown} for one dataset: title, then rows of (attack, one cell per defense). */
    public static Map<String, List<List<String>>> tables(List<Row> rows, String dataset, List<String> defenses) {
        Map<String, List<Row>> byAttack = new LinkedHashMap<>();
        rows.stream().filter(r -> r.dataset().equals(dataset))
                .forEach(r -> byAttack.computeIfAbsent(r.attack(), k -> new ArrayList<>()).add(r));
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        out.put("CA / ASR (%)", cells(byAttack, defenses, List.of("ca", "asr")));
        out.put("RA (%) / DER / RIR", cells(byAttack, defenses, List.of("ra", "der", "rir")));
        out.put("Detection AUROC / precision / recall of the flagged samples", cells(byAttack, defenses,
                List.of("detection_auroc", "detection_precision", "detection_recall")));
        return out;
    }

    private static List<List<String>> cells(Map<String, List<Row>> byAttack, List<String> defenses, List<String> metrics) {
        List<List<String>> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byAttack.entrySet()) {
            List<String> row = new ArrayList<>(List.of(e.getKey()));
            for (String def : defenses) {
                List<String> parts = new ArrayList<>();
                for (String m : metrics) {
                    parts.add(meanStd(e.getValue(), def, m, PERCENT.contains(m) ? 2 : 3));
                }
                row.add(String.join(" / ", parts));
            }
            out.add(row);
        }
        return out;
    }

    /** "mean ± std" over the finished seeds of one defense, "-" when none has the metric. */
    static String meanStd(List<Row> rows, String defense, String metric, int decimals) {
        List<Double> v = new ArrayList<>();
        int failed = 0;
        for (Row r : rows) {
            if (!r.defense().equals(defense)) {
                continue;
            }
            if (!"done".equals(r.status())) {
                failed++;
            } else if (r.metrics().get(metric) instanceof Number n && Double.isFinite(n.doubleValue())) {
                v.add(n.doubleValue());
            }
        }
        if (v.isEmpty()) {
            return failed > 0 ? "failed" : "-";
        }
        double[] ms = meanAndStd(v);
        String f = "%." + decimals + "f";
        return v.size() == 1 ? String.format(Locale.ROOT, f, ms[0])
                : String.format(Locale.ROOT, f + " ± " + f, ms[0], ms[1]);
    }

    /** Mean and sample standard deviation (n - 1; 0 for one value). */
    public static double[] meanAndStd(List<Double> values) {
        double mean = 0;
        for (double x : values) {
            mean += x / values.size();
        }
        double ss = 0;
        for (double x : values) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0};
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
