package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path of a user with their own images (issue 14): a clean folder written by {@code cbd poison
 * --format folder} without naming an attack, then {@code cbd train --dataset folder --defense cbd},
 * again without an attack. Nothing is poisoned, nothing prints NaN, and every per-sample row names
 * the file it is about.
 */
class PractitionerPathTest {

    @TempDir
    Path tmp;

    @Test
    void aFolderTrainedWithoutAnAttackIsLeftCleanAndItsScoresNameTheFiles() throws Exception {
        Path data = tmp.resolve("images");
        CliTest.Result p = CliTest.run("poison", "--dataset", "synthetic", "--limit-train", "400", "--format", "folder",
                "--out", data.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(List.of("index"), Files.readAllLines(data.resolve("poisoned_indices.csv")), "--attack omitted: nothing poisoned");
        assertEquals("none", Json.read(data.resolve("poison.json")).get("config").get("attack").asText());

        Path run = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--dataset", "folder", "--data", data.toString(), "--channels", "1",
                "--image-size", "16", "--defense", "cbd", "--fb-max-epochs", "2", "--inversion-steps", "10", "--epochs", "2",
                "--model", "tiny-cnn", "--batch-size", "32", "--lr", "0.05", "--seed", "3", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        List<String> epochLines = r.err().lines().filter(l -> l.startsWith("[f_")).toList();
        assertTrue(epochLines.size() >= 3, r.err());
        for (String l : epochLines) {
            assertFalse(l.contains("ASR") || l.contains("RA ") || l.contains("w_poison"), l);
        }
        assertFalse(r.err().contains("NaN"), r.err());
        assertFalse(r.out().contains("NaN"), r.out());
        String summaryText = Files.readString(run.resolve("summary.json"));
        assertFalse(summaryText.contains("NaN"), summaryText);

        JsonNode s = Json.read(run.resolve("summary.json"));
        assertEquals("none", s.get("config").get("attack").get("attack").asText(), "--attack defaults to none");
        assertEquals(0, s.get("poisoned").asInt());
        assertTrue(s.get("asr").isNull() && s.get("ra").isNull(), summaryText);
        assertEquals(List.of("index"), Files.readAllLines(run.resolve("poisoned_indices.csv")));

        List<String> rows = Files.readAllLines(run.resolve("sample_scores.csv"));
        List<String> head = List.of(rows.get(0).split(","));
        assertEquals(0, head.indexOf("index"));
        int source = head.indexOf("source");
        int label = head.indexOf("label");
        int flaggedCol = head.indexOf("flagged");
        assertTrue(source > 0 && label > 0 && flaggedCol > 0, rows.get(0));
        assertEquals(400 + 1, rows.size(), "one row per training image");
        Set<String> seen = new HashSet<>();
        int flagged = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            String file = f[source];
            assertTrue(file.startsWith("train/class-"), row);
            assertTrue(Files.isRegularFile(data.resolve(file)), "no such file under the folder: " + file);
            assertTrue(seen.add(file), "named twice: " + file);
            // The class folder the file is in is the label the row gives it (class-NNN = label NNN).
            assertEquals(Integer.parseInt(file.substring("train/class-".length(), file.indexOf('/', 6))),
                    Integer.parseInt(f[label]), row);
            assertEquals("0", f[head.indexOf("poisoned")], row);
            flagged += Double.parseDouble(f[flaggedCol]) == 1 ? 1 : 0;
        }
        // The count shown is the defense's own flagged set, and its rule flags a minority at most.
        assertEquals(flagged, s.get("flagged").asInt());
        assertTrue(r.out().contains("  " + flagged + " flagged"), r.out());
        assertTrue(flagged < 200, flagged + " of 400 clean images flagged");
    }
}
