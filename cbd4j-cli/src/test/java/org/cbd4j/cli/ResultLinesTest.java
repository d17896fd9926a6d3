package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cbd4j.pipeline.ExperimentListener.EpochMetrics;
import org.junit.jupiter.api.Test;

class ResultLinesTest {

    @Test
    void anEpochWithoutAnAttackPrintsNoAsrRaOrPoisonWeight() {
        String line = PrintingListener.epochLine(new EpochMetrics("f_C", 2, 0.25, 0.1, 0.3, 91.5, Double.NaN,
                Double.NaN, Double.NaN, 0.8, 12));
        assertEquals("[f_C 3] loss 0.2500  CA 91.50  w_mean 0.800  (12 s)", line);
    }

    @Test
    void anAttackedEpochPrintsEveryFigure() {
        String line = PrintingListener.epochLine(new EpochMetrics("f_C", 0, 0.5, 0.1, 0.3, 88, 3.5, 85.25, 0.01, 0.9, 7));
        assertEquals("[f_C 1] loss 0.5000  CA 88.00  ASR 3.50  RA 85.25  w_poison 0.010 w_clean 0.900  (7 s)", line);
        String unweighted = PrintingListener.epochLine(new EpochMetrics("train", 4, 0.5, 0.1, Double.NaN, 88, 99, 1,
                Double.NaN, Double.NaN, 7));
        assertEquals("[train 5] loss 0.5000  CA 88.00  ASR 99.00  RA 1.00  (7 s)", unweighted);
    }

    @Test
    void theHeadlineLeavesOutWhatDoesNotApplyAndCountsTheFlaggedSamples() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ca", 90.125);
        s.put("asr", null);
        s.put("ra", null);
        s.put("flagged", 0);
        s.put("wall_seconds", 12.5);
        String clean = ResultTable.headline(s, "runs/x");
        assertEquals("CA 90.13  0 flagged  (12.50 s) -> runs/x", clean);
        s.put("asr", 2.0);
        s.put("ra", 85.0);
        s.put("der", 0.965);
        s.put("rir", 0.915);
        s.put("detection_auroc", 0.99);
        s.put("flagged", 37);
        String attacked = ResultTable.headline(s, "runs/x");
        assertEquals("CA 90.13  ASR 2.00  RA 85.00  DER 0.965  RIR 0.915  detection AUROC 0.990  37 flagged  (12.50 s) -> runs/x",
                attacked);
        assertFalse(clean.contains("NaN") || attacked.contains("NaN"));
        assertTrue(ResultTable.compare(java.util.List.of("a"), java.util.List.of(s)).contains("RIR"));
    }
}
