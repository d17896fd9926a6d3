package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;

class BaselineTest {

    @Test
    void derAndRirAgainstABaselineReadFromItsSummary() throws Exception {
        Experiment.Baseline b = Experiment.Baseline.fromSummary(Json.MAPPER.readTree("{\"ca\": 90, \"asr\": 100, \"ra\": 0}"));
        // Defended: CA 88, ASR 5, RA 85. DER (0.95 - 0.02 + 1) / 2 = 0.965; RIR (0.85 - 0.02 + 1) / 2 = 0.915.
        assertEquals(0.965, b.der(88, 5), 1e-9);
        assertEquals(0.915, b.rir(88, 85), 1e-9);
    }

    @Test
    void withoutAnAttackOnEitherSideThereIsNoDerAndNoRir() throws Exception {
        Experiment.Baseline clean = Experiment.Baseline.fromSummary(Json.MAPPER.readTree("{\"ca\": 90, \"asr\": null, \"ra\": null}"));
        assertTrue(Double.isNaN(clean.der(88, 5)));
        assertTrue(Double.isNaN(clean.rir(88, 85)));
        Experiment.Baseline attacked = new Experiment.Baseline(90, 100, 0);
        assertTrue(Double.isNaN(attacked.der(88, Double.NaN)));
        assertTrue(Double.isNaN(attacked.rir(88, Double.NaN)));
    }
}
