package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cbd4j.defense.CbdScores;
import org.junit.jupiter.api.Test;

/** Ranks, the CSV and the per-class counts of an audit, on hand-made losses. */
class AuditResultTest {

    @Test
    void suspicionAndRanksFollowTheLossRatioWithTiesByIndex() {
        float[] lossB = {1f, 0.01f, 1f, 2f, 1e-12f};
        float[] lossC = {1f, 1f, 1f, 0.5f, 1e-3f};
        // 1 - lB / (lB + lC + 1e-8): 0.5, 1 - 0.01/1.01, 0.5, 1 - 2/2.5, ~1.
        float[] s = CbdScores.suspicion(lossB, lossC);
        assertEquals(0.5f, s[0], 1e-6f);
        assertEquals(1 - 0.01 / 1.01, s[1], 1e-6);
        assertEquals(0.2f, s[3], 1e-6f);
        assertEquals(1f, s[4], 1e-6f);
        // ln(lC + 1e-8) - ln(lB + 1e-8): 0, 4.6, 0, -1.39, ln(1e-3) - ln(1.000001e-8) = 11.5.
        assertArrayEquals(new int[] {3, 2, 4, 5, 1}, AuditResult.ranks(lossB, lossC));
        assertArrayEquals(new float[] {(float) Math.log(3), (float) Math.log(3)}, CbdScores.untrainedLosses(3, 2));
    }

    private static AuditResult result(int[] poisoned) {
        float[] lossB = {0.5f, 0.001f, 0.4f, 0.002f};
        float[] lossC = {0.5f, 2f, 0.5f, 2f};
        return new AuditResult(Path.of("a"), List.of("cat", "dog, big"), new int[] {0, 1, 1, 0},
                new String[] {"cat/1.png", "dog, big/2.png", "dog, big/3.png", "cat/4.png"}, CbdScores.suspicion(lossB, lossC),
                lossB, lossC, AuditResult.ranks(lossB, lossC), new boolean[] {false, true, false, true}, poisoned,
                Double.NaN, Double.NaN, Double.NaN, null, 0, Map.of(), 1.0, null);
    }

    @Test
    void csvListsImagesByRankAndQuotesFieldsWithCommas() {
        AuditResult r = result(new int[0]);
        String[] lines = r.csv().split("\n");
        assertEquals("index,source,label,class,suspicion,rank,flagged,loss_fb,loss_fc", lines[0]);
        assertEquals("1,\"dog, big/2.png\",1,\"dog, big\",0.999500,1,1,0.00100000,2.00000", lines[1]);
        assertEquals("3,cat/4.png,0,cat,0.999001,2,1,0.00200000,2.00000", lines[2]);
        assertEquals("2,\"dog, big/3.png\",1,\"dog, big\",0.555556,3,0,0.400000,0.500000", lines[3]);
        assertEquals(5, lines.length);
        assertArrayEquals(new int[] {1, 1}, r.flaggedPerClass());
        assertArrayEquals(new int[] {1, 2}, r.mostSuspicious(1, 5));
        assertArrayEquals(new int[] {3}, r.mostSuspicious(0, 1));
    }

    @Test
    void aSimulatedAttackAddsThePoisonedColumnAndTheFigures() {
        AuditResult r = result(new int[] {1});
        String[] lines = r.csv().split("\n");
        assertEquals("index,source,label,class,suspicion,rank,flagged,loss_fb,loss_fc,poisoned", lines[0]);
        assertEquals("1", lines[1].substring(lines[1].lastIndexOf(',') + 1));
        assertEquals("0", lines[2].substring(lines[2].lastIndexOf(',') + 1));
        Map<String, Object> f = r.figures();
        assertEquals(1, f.get("poisoned"));
        assertEquals(2, f.get("flagged"));
        assertEquals(false, f.containsKey("detection_auroc"), "NaN figures are left out");
    }
}
