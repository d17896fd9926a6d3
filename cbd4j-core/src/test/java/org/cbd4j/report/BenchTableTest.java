package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTableTest {

    private static BenchTable.Row row(String defense, long seed, double ca, double asr) {
        return new BenchTable.Row("fashion-mnist", "badnets", defense, seed, "done", Map.of("ca", ca, "asr", asr), "d");
    }

    @Test
    void meanAndSampleStandardDeviation() {
        // values 1 and 3: mean 2, sample std sqrt(((1-2)^2 + (3-2)^2) / 1) = 1.41421.
        assertArrayEquals(new double[] {2, Math.sqrt(2)}, BenchTable.meanAndStd(List.of(1.0, 3.0)), 1e-12);
        assertArrayEquals(new double[] {5, 0}, BenchTable.meanAndStd(List.of(5.0)), 1e-12);
    }

    @Test
    void rirStandsBesideDerInTheCsvAndTheTables() {
        List<BenchTable.Row> rows = List.of(
                new BenchTable.Row("fashion-mnist", "badnets", "none", 0, "done", Map.of("ca", 90.0, "asr", 100.0, "ra", 0.0), "d"),
                new BenchTable.Row("fashion-mnist", "badnets", "cbd", 0, "done",
                        Map.of("ca", 88.0, "asr", 2.0, "ra", 85.0, "der", 0.98, "rir", 0.915), "d"));
        String csv = BenchTable.csv(rows);
        List<String> head = List.of(csv.lines().findFirst().orElseThrow().split(","));
        assertEquals(head.indexOf("der") + 1, head.indexOf("rir"), csv);
        String[] cbd = csv.lines().skip(2).findFirst().orElseThrow().split(",");
        assertEquals("0.915", cbd[head.indexOf("rir")], csv);
        String md = BenchTable.markdown(rows, List.of("none", "cbd"));
        assertTrue(md.contains("**RA (%) / DER / RIR**"), md);
        assertTrue(md.contains("| badnets | 0.00 / - / - | 85.00 / 0.980 / 0.915 |"), md);
    }

    @Test
    void markdownShowsMeanPlusMinusStdPerDefense() {
        List<BenchTable.Row> rows = List.of(row("none", 0, 90, 100), row("none", 1, 92, 98), row("cbd", 0, 88, 2),
                new BenchTable.Row("fashion-mnist", "badnets", "cbd", 1, "failed: diverged", Map.of(), "d"));
        String md = BenchTable.markdown(rows, List.of("none", "cbd"));
        assertTrue(md.contains("| badnets | 91.00 ± 1.41 / 99.00 ± 1.41 | 88.00 / 2.00 |"), md);
        String csv = BenchTable.csv(rows);
        assertEquals(5, csv.lines().count());
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("fashion-mnist,badnets,cbd,1,failed: diverged,")), csv);
    }
}
