package org.cbd4j.pipeline;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cbd4j.defense.CbdScores;

/**
 * What an audit found, per audited image in dataset order (the order {@code index} counts), and
 * the same in its files: {@code suspicion.csv} ({@link #csv}) and {@code summary.json}.
 * Detection figures are NaN here (absent in the JSON) unless an attack was simulated.
 *
 * @param directory the audit directory
 * @param classNames the name of each label
 * @param labels each image's label as audited
 * @param sources each image's source id (file path or {@code file#record}), or null for generated data
 * @param suspicion CBD's {@code 1 - l_B / (l_B + l_C + 1e-8)}, higher = more suspect
 * @param lossB f_B's loss on the un-augmented image
 * @param lossC f_C's loss on it (ln K for every image when no f_C epoch ran)
 * @param rank 1 = most suspicious ({@link #ranks})
 * @param flagged CBD's unsupervised flagging rule
 * @param poisonedIndices the images a simulated attack poisoned (empty without one)
 * @param detectionAuroc AUROC of {@code suspicion} against them
 * @param detectionPrecision precision of {@code flagged} against them
 * @param detectionRecall recall of {@code flagged} against them
 * @param exportDirectory where {@code --export-clean} wrote the data without the flagged images, or null
 * @param exported audited images written there (the others flagged)
 * @param defenseReport CBD's own decisions (stage 1's checks, the weight gate), or how the images were scored
 * @param wallSeconds the audit's run time
 * @param resumedFrom the checkpoint a resumed audit continued from, or null
 */
public record AuditResult(Path directory, List<String> classNames, int[] labels, String[] sources, float[] suspicion,
        float[] lossB, float[] lossC, int[] rank, boolean[] flagged, int[] poisonedIndices, double detectionAuroc,
        double detectionPrecision, double detectionRecall, Path exportDirectory, int exported,
        Map<String, Object> defenseReport, double wallSeconds, String resumedFrom) {

    /** Header of {@code suspicion.csv}; {@code poisoned} follows only when an attack was simulated. */
    public static final List<String> COLUMNS = List.of("index", "source", "label", "class", "suspicion", "rank", "flagged",
            "loss_fb", "loss_fc");

    /**
     * 1-based ranks, 1 = most suspicious: by {@code ln(l_C + 1e-8) - ln(l_B + 1e-8)} descending,
     * ties by index. The suspicion orders images the same way but saturates at 1 in float for tiny
     * l_B; the log ratio is what the flagging rule cuts, so the flagged images are exactly ranks
     * 1..flagged.
     */
    public static int[] ranks(float[] lossB, float[] lossC) {
        double[] r = CbdScores.logRatio(lossB, lossC);
        Integer[] order = new Integer[r.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> r[a] != r[b] ? Double.compare(r[b], r[a]) : Integer.compare(a, b));
        int[] rank = new int[r.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k + 1;
        }
        return rank;
    }

    /** Number of flagged images. */
    public int flaggedCount() {
        int n = 0;
        for (boolean f : flagged) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** Flagged images per label. */
    public int[] flaggedPerClass() {
        int[] n = new int[classNames.size()];
        for (int i = 0; i < flagged.length; i++) {
            n[labels[i]] += flagged[i] ? 1 : 0;
        }
        return n;
    }

    /** The indices of label {@code c}'s {@code k} most suspicious images, most suspicious first. */
    public int[] mostSuspicious(int c, int k) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).boxed()
                .sorted((a, b) -> Integer.compare(rank[a], rank[b])).limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Whether an attack was simulated (then {@code suspicion.csv} has a {@code poisoned} column). */
    public boolean attacked() {
        return poisonedIndices.length > 0;
    }

    /** {@code suspicion.csv}: {@link #COLUMNS} (and {@code poisoned}), one row per image, by rank. */
    public String csv() {
        boolean[] poisoned = new boolean[labels.length];
        for (int i : poisonedIndices) {
            poisoned[i] = true;
        }
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append(attacked() ? ",poisoned\n" : "\n");
        int[] byRank = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            byRank[rank[i] - 1] = i;
        }
        for (int i : byRank) {
            sb.append(i).append(',').append(sources == null ? "" : csvField(sources[i])).append(',').append(labels[i])
                    .append(',').append(csvField(classNames.get(labels[i]))).append(',')
                    .append(String.format(Locale.ROOT, "%.6g", suspicion[i])).append(',').append(rank[i]).append(',')
                    .append(flagged[i] ? 1 : 0).append(',').append(String.format(Locale.ROOT, "%.6g,%.6g", lossB[i], lossC[i]));
            if (attacked()) {
                sb.append(',').append(poisoned[i] ? 1 : 0);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The figures of {@code summary.json}: counts per class, detection (with an attack), export, time. */
    public Map<String, Object> figures() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("audited", labels.length);
        s.put("flagged", flaggedCount());
        int[] per = flaggedPerClass();
        int[] sizes = new int[per.length];
        for (int l : labels) {
            sizes[l]++;
        }
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < per.length; c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c);
            m.put("images", sizes[c]);
            m.put("flagged", per[c]);
            perClass.put(classNames.get(c), m);
        }
        s.put("flagged_per_class", perClass);
        if (attacked()) {
            s.put("poisoned", poisonedIndices.length);
            putIf(s, "detection_auroc", detectionAuroc);
            putIf(s, "detection_precision", detectionPrecision);
            putIf(s, "detection_recall", detectionRecall);
        }
        if (exportDirectory != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("directory", exportDirectory.toString());
            e.put("images", exported);
            e.put("left_out", labels.length - exported);
            s.put("export_clean", e);
        }
        if (resumedFrom != null) {
            s.put("resumed_from", resumedFrom);
        }
        s.put("wall_seconds", Math.round(wallSeconds * 10) / 10.0);
        return s;
    }

    private static void putIf(Map<String, Object> s, String key, double v) {
        if (Double.isFinite(v)) {
            s.put(key, ExperimentResult.num(v));
        }
    }

    private static String csvField(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
