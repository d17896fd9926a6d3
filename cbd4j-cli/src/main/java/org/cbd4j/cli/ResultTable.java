package org.cbd4j.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plain-text tables and one-line results for the terminal. */
final class ResultTable {

    private ResultTable() {}

    /**
     * The one-line result: CA, then what applies to the run (ASR and RA with an attack, DER and
     * RIR with a baseline, detection AUROC, the number of samples the defense flagged), the time
     * and the run directory. Figures that do not apply are left out, never shown as NaN.
     */
    static String headline(Map<String, Object> s, String out) {
        StringBuilder sb = new StringBuilder("CA ").append(fmt(s.get("ca")));
        String[][] optional = {{"ASR", "asr"}, {"RA", "ra"}, {"DER", "der"}, {"RIR", "rir"},
            {"detection AUROC", "detection_auroc"}};
        for (String[] o : optional) {
            if (s.get(o[1]) instanceof Number) {
                sb.append("  ").append(o[0]).append(' ').append(fmt(s.get(o[1])));
            }
        }
        if (s.get("flagged") instanceof Number n) {
            sb.append("  ").append(n.intValue()).append(" flagged");
        }
        return sb.append("  (").append(fmt(s.get("wall_seconds"))).append(" s) -> ").append(out).toString();
    }

    /** Side-by-side table: one column per run. */
    static String compare(List<String> names, List<Map<String, Object>> runs) {
        String[][] rows = {
            {"CA (%)", "ca"}, {"ASR (%)", "asr"}, {"RA (%)", "ra"}, {"DER", "der"}, {"RIR", "rir"},
            {"detection AUROC", "detection_auroc"}, {"wall time (s)", "wall_seconds"}
        };
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s", "metric"));
        names.forEach(n -> sb.append(String.format(Locale.ROOT, "%14s", n)));
        sb.append('\n');
        for (String[] r : rows) {
            sb.append(String.format(Locale.ROOT, "%-18s", r[0]));
            for (Map<String, Object> run : runs) {
                sb.append(String.format(Locale.ROOT, "%14s", fmt(run.get(r[1]))));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String fmt(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Math.abs(d) < 1.5 && d != 0 && d != 1 ? String.format(Locale.ROOT, "%.3f", d)
                    : String.format(Locale.ROOT, "%.2f", d);
        }
        return v.toString();
    }
}
