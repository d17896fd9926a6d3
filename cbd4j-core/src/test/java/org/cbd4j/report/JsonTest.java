package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    @TempDir
    Path tmp;

    @Test
    void aSummaryIsWrittenWithNullWhereANumberIsUndefined() throws Exception {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("ashman_d", Double.NaN);
        check.put("low_share", 0.25);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("ca", 90.5);
        summary.put("asr", Double.NaN);
        summary.put("weight", Float.POSITIVE_INFINITY);
        summary.put("defense_report", Map.of("fb_checks", List.of(check)));
        RunDirectory.create(tmp.resolve("run"), false).writeSummary(summary);
        String text = Files.readString(tmp.resolve("run/summary.json"));
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
        var tree = Json.read(tmp.resolve("run/summary.json"));
        assertEquals(90.5, tree.get("ca").doubleValue());
        assertEquals(true, tree.get("asr").isNull());
        assertEquals(true, tree.get("weight").isNull());
        var c = tree.get("defense_report").get("fb_checks").get(0);
        assertEquals(true, c.get("ashman_d").isNull());
        assertEquals(0.25, c.get("low_share").doubleValue());
    }
}
