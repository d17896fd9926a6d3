package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-sample f_B loss CBD weighs with by default: the lowest over the stage-1 epochs. */
class LowestLossTest {

    @Test
    void eachSampleKeepsItsLowestLossOverTheEpochs() {
        float[] e1 = {0.5f, 2.0f, 1e-4f};
        float[] e2 = {0.1f, 3.0f, 0.9f}; // sample 2 fitted in epoch 1, forgotten in epoch 2
        float[] e3 = {0.3f, 2.5f, 0.7f};
        assertArrayEquals(new float[] {0.1f, 2.0f, 1e-4f}, CbdDefense.lowestPerSample(List.of(e1, e2, e3), 3));
    }

    @Test
    void onlyTheEpochsThatConfirmedTheCaptureCount() {
        // Epoch 1 fitted sample 2 before f_B had the trigger; the capture was confirmed in 2 and 3.
        java.util.Map<String, float[]> byEpoch = new java.util.TreeMap<>();
        byEpoch.put("loss_fb_epoch10", new float[] {0.3f, 2.5f, 0.7f});
        byEpoch.put("loss_fb_epoch01", new float[] {0.5f, 2.0f, 1e-4f});
        byEpoch.put("loss_fb_epoch09", new float[] {0.1f, 3.0f, 0.9f});
        assertArrayEquals(new float[] {0.1f, 2.5f, 0.7f},
                CbdDefense.lowestPerSample(CbdDefense.lastEpochs(byEpoch, FbCapture.CONFIRM), 3));
        assertEquals(1, CbdDefense.lastEpochs(java.util.Map.of("loss_fb_epoch01", new float[1]), 2).size());
    }
}
