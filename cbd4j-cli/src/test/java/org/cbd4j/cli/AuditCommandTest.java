package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cbd4j.data.ImageEncoder;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cbd audit} from the command line: a simulated attack's detection figures, help, bad input. */
class AuditCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aSimulatedAttackGivesDetectionFiguresThatTheCsvConfirms() throws Exception {
        Path out = tmp.resolve("audit");
        CliTest.Result r = CliTest.run("audit", "--dataset", "synthetic", "--limit-train", "600", "--attack", "badnets",
                "--model", "tiny-cnn", "--batch-size", "32", "--lr", "0.05", "--fb-max-epochs", "3", "--fc-epochs", "1",
                "--inversion-steps", "20", "--seed", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> epochLines = r.err().lines().filter(l -> l.startsWith("[f_")).toList();
        assertTrue(epochLines.stream().anyMatch(l -> l.startsWith("[f_B 1] loss ")), r.err());
        assertTrue(epochLines.stream().anyMatch(l -> l.startsWith("[f_C 1] loss ") && l.contains("w_poison")), r.err());
        assertFalse(r.err().contains("NaN") || r.err().contains(" CA "), "no test set evaluated, nothing shown as NaN");

        // Precision and recall recomputed from suspicion.csv's own flagged and poisoned columns.
        List<String> lines = Files.readAllLines(out.resolve("suspicion.csv"));
        assertEquals("index,source,label,class,suspicion,rank,flagged,loss_fb,loss_fc,poisoned", lines.get(0));
        assertEquals(601, lines.size());
        int tp = 0;
        int flagged = 0;
        int poisoned = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            assertEquals("", f[1], "generated images have no source file: " + l);
            boolean fl = f[6].equals("1");
            boolean po = f[9].equals("1");
            flagged += fl ? 1 : 0;
            poisoned += po ? 1 : 0;
            tp += fl && po ? 1 : 0;
        }
        assertEquals(60, poisoned, "10 % of 600");
        JsonNode s = Json.read(out.resolve("summary.json"));
        assertEquals(poisoned, s.get("poisoned").asInt());
        assertEquals(flagged, s.get("flagged").asInt());
        if (flagged > 0) {
            assertEquals((double) tp / flagged, s.get("detection_precision").asDouble(), 1e-4);
        }
        assertEquals((double) tp / poisoned, s.get("detection_recall").asDouble(), 1e-4);
        assertTrue(s.get("detection_auroc").asDouble() > 0.5, s.toString());
        assertTrue(Files.isRegularFile(out.resolve("poisoned_indices.csv")));
        assertTrue(Files.isRegularFile(out.resolve("models/f_C-0000.params")));
        assertTrue(r.out().startsWith(String.format(Locale.ROOT, "audit: %d of 600 images flagged  (60 poisoned; detection "
                + "precision", flagged)), r.out());
    }

    @Test
    void helpNamesTheExportFormatsAndTheFcEpochsDefault() {
        CliTest.Result r = CliTest.run("audit", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps lines
        int fc = help.indexOf("--fc-epochs=N F_C epochs");
        assertTrue(fc > 0, help);
        assertTrue(help.substring(fc, help.indexOf(" --", fc + 5)).endsWith("Default: 10."), help.substring(fc));
        for (String s : new String[] {"--export-clean=DIR", "folder (the original files",
            "fashion-mnist and mnist", "cifar10", "Other datasets are refused", "--run=RUN_DIR", "--grid-per-class",
            "--fb-epochs", "--attack", "--force", "--device"}) {
            assertTrue(help.contains(s), s + " missing from help:\n" + r.out());
        }
        assertFalse(r.out().contains("--epochs="), "f_C's epochs are --fc-epochs");
    }

    private void assertOneLine(CliTest.Result r, int code, String expected) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("cbd: error: ") && r.err().contains(expected), r.err());
    }

    @Test
    void badInputIsOneLineAndLeavesNothingBehind() throws Exception {
        Path images = tmp.resolve("images");
        for (String f : new String[] {"a/1.png", "b/2.png"}) {
            Files.createDirectories(images.resolve(f).getParent());
            Files.write(images.resolve(f), ImageEncoder.png(new byte[64], 0, 1, 8, 8));
        }
        Path out = tmp.resolve("out");

        assertOneLine(CliTest.run("audit", "--dataset", "folder", "--data", tmp.resolve("nope").toString(),
                "--out", out.toString()), 1, "nope");
        assertFalse(Files.exists(out), "a missing data directory: nothing written");

        Path exists = tmp.resolve("clean");
        Files.createDirectories(exists);
        Files.writeString(exists.resolve("keep.txt"), "mine");
        assertOneLine(CliTest.run("audit", "--dataset", "folder", "--data", images.toString(), "--export-clean",
                exists.toString(), "--out", out.toString()), 2, "--export-clean " + exists + " already exists");
        assertEquals(List.of(exists.resolve("keep.txt")), Files.list(exists).toList(), "the existing directory untouched");
        assertFalse(Files.exists(out));

        assertOneLine(CliTest.run("audit", "--dataset", "synthetic", "--export-clean", tmp.resolve("e").toString(),
                "--out", out.toString()), 2, "--export-clean writes folder, fashion-mnist, mnist and cifar10 data");
        assertFalse(Files.exists(out) || Files.exists(tmp.resolve("e")));

        assertOneLine(CliTest.run("audit", "--dataset", "folder", "--data", images.toString(), "--export-clean",
                images.resolve("clean").toString(), "--out", out.toString()), 2, "overlaps --data or --out");

        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("keep.txt"), "mine");
        assertOneLine(CliTest.run("audit", "--dataset", "synthetic", "--out", other.toString()), 2, "holds no audit");
        assertOneLine(CliTest.run("audit", "--dataset", "synthetic", "--fc-epochs", "-1", "--out", out.toString()), 2,
                "--fc-epochs");
        CliTest.Result unknown = CliTest.run("audit", "--dataset", "synthetic", "--epochs", "3", "--out", out.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("Unknown options: '--epochs'"), "picocli's usage error, as for train");
        assertFalse(Files.exists(out));
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary sibling left");
        }
    }
}
