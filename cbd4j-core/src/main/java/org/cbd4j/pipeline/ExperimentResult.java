package org.cbd4j.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run produced; the same figures are in its {@code summary.json}. Percentages are 0..100;
 * a figure that does not apply (no attack, no baseline, a defense that scores no samples) is NaN
 * here; in the JSON {@code asr} and {@code ra} are then null and the optional figures absent.
 *
 * @param config the run's config
 * @param runDirectory where its files are
 * @param ca clean accuracy of the final model, %
 * @param asr attack success rate, %
 * @param ra robust accuracy, %
 * @param der defense effectiveness rating against the baseline given to the run
 * @param rir robust improvement rate (BackdoorBench) against the same baseline
 * @param detectionAuroc AUROC of the suspicion scores against the true poisoned samples
 * @param detectionPrecision precision of the flagged samples
 * @param detectionRecall recall of the flagged samples
 * @param suspicion per training sample (dataset order), higher = more suspect; null if the defense scores none
 * @param flagged per training sample, whether the defense flagged it; null if it flags none
 * @param poisonedIndices the training samples the attack poisoned (known to the experiment, never to the defense)
 * @param defenseReport what the defense reports about its own decisions (e.g. CBD's stage-1 rule)
 * @param fbCa CBD's f_B after its last epoch: clean accuracy
 * @param fbAsr CBD's f_B after its last epoch: attack success rate
 * @param wallSeconds run time
 * @param resumedFrom the checkpoint a resumed run started from, or null
 */
public record ExperimentResult(ExperimentConfig config, Path runDirectory, double ca, double asr, double ra, double der,
        double rir, double detectionAuroc, double detectionPrecision, double detectionRecall, float[] suspicion,
        boolean[] flagged, int[] poisonedIndices, Map<String, Object> defenseReport, double fbCa, double fbAsr, double wallSeconds,
        String resumedFrom) {

    /** Definitions written into every summary, so a reader never has to guess (docs/METHOD.md §4). */
    public static final String METRIC_DEFINITIONS = "ca: top-1 % on the whole clean test set; asr: % of triggered test "
            + "images whose true class differs from the attack label that are classified as the attack label; "
            + "ra: % of those classified as their true class; der = [max(0, asr_nodef - asr) - max(0, ca_nodef - ca) "
            + "+ 1] / 2 on fractions; rir = [max(0, ra - ra_nodef) - max(0, ca_nodef - ca) + 1] / 2 on fractions; "
            + "detection_auroc: AUROC of per-sample suspicion vs the true poisoned indices";

    /** The number of flagged samples, or -1 when the defense flags none. */
    public int flaggedCount() {
        if (flagged == null) {
            return -1;
        }
        int n = 0;
        for (boolean f : flagged) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** The figures of {@code summary.json} by their keys there (ca ... der, rir, wall_seconds); undefined ones null or absent. */
    public Map<String, Object> metrics() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ca", num(ca));
        s.put("asr", num(asr));
        s.put("ra", num(ra));
        putIf(s, "detection_auroc", detectionAuroc);
        putIf(s, "detection_precision", detectionPrecision);
        putIf(s, "detection_recall", detectionRecall);
        if (flagged != null) {
            s.put("flagged", flaggedCount());
        }
        putIf(s, "fb_ca", fbCa);
        putIf(s, "fb_asr", fbAsr);
        putIf(s, "der", der);
        putIf(s, "rir", rir);
        s.put("wall_seconds", Math.round(wallSeconds * 10) / 10.0);
        return s;
    }

    /** The contents of {@code summary.json}. */
    public Map<String, Object> summary(int trainSize, Object dataSource) {
        Map<String, Object> s = metrics();
        if (!defenseReport.isEmpty()) {
            s.put("defense_report", defenseReport);
        }
        if (resumedFrom != null) {
            s.put("resumed_from", resumedFrom);
        }
        s.put("poisoned", poisonedIndices.length);
        s.put("train_size", trainSize);
        s.put("metric_definitions", METRIC_DEFINITIONS);
        s.put("config", config.toJson());
        s.put("data_source", dataSource);
        return s;
    }

    private static void putIf(Map<String, Object> s, String key, double v) {
        if (Double.isFinite(v)) {
            s.put(key, num(v));
        }
    }

    /** JSON has no NaN: undefined metrics are written as null; others rounded to 4 decimals. */
    static Double num(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
    }
}
