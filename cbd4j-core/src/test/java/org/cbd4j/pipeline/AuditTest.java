package org.cbd4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageFolderReader;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cbd audit}'s library entry point on a user's image folder that already holds a backdoor:
 * 75 of 600 generated images carry a 3x3 patch and were filed under class 0 ({@link PlantedFolder}).
 * One audit (f_B until capture, one f_C epoch) is shared by the tests; nothing tells it which
 * images are planted.
 */
class AuditTest {

    @TempDir
    static Path tmp;

    static Path data;
    static Set<String> planted;
    static AuditResult result;
    static Path out;
    static Path clean;

    /** The fixture's budget: seconds on generated 16x16 images with tiny-cnn. */
    static AuditConfig.Builder config(Path dataDir, Path outDir) {
        return AuditConfig.builder().optDataset("folder").optDataDir(dataDir).optImageSize(16).optChannels(1)
                .optModel("tiny-cnn").opt("fb-max-epochs", 3).opt("batch-size", 32).opt("lr", 0.1).opt("no-flip", true)
                .opt("inversion-steps", 20).optSeed(1).optFcEpochs(1).optOut(outDir);
    }

    @BeforeAll
    static void audit() throws Exception {
        data = tmp.resolve("images");
        planted = new HashSet<>(PlantedFolder.write(data, 600, 75, 5, false));
        out = tmp.resolve("audit");
        clean = tmp.resolve("clean");
        result = Audit.run(config(data, out).optExportClean(clean).build());
    }

    @Test
    void flagsMostlyThePlantedImages() {
        int tp = 0;
        for (int i = 0; i < result.flagged().length; i++) {
            tp += result.flagged()[i] && planted.contains(result.sources()[i]) ? 1 : 0;
        }
        System.out.printf("AuditTest: %d flagged, %d of them planted, of %d planted%n", result.flaggedCount(), tp,
                planted.size());
        double precision = (double) tp / result.flaggedCount();
        double recall = (double) tp / planted.size();
        // Measured: 74 flagged, all planted. A scorer that ranks at random flags ~12.5 % planted;
        // one with l_B and l_C swapped flags the images f_B fits worst.
        assertTrue(precision >= 0.9 && recall >= 0.8, "precision " + precision + " recall " + recall
                + " (" + result.flaggedCount() + " flagged)");
        assertEquals(clean, result.exportDirectory());
        assertFalse(result.attacked(), "nothing was simulated: no poisoned indices");
    }

    @Test
    void suspicionCsvHasOneRowPerImageByRank() throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("suspicion.csv"));
        assertEquals("index,source,label,class,suspicion,rank,flagged,loss_fb,loss_fc", lines.get(0),
                "no poisoned column without a simulated attack");
        assertEquals(600 + 1, lines.size());
        Set<String> files = new HashSet<>();
        Set<Integer> indices = new HashSet<>();
        double previous = Double.POSITIVE_INFINITY;
        int flagged = 0;
        boolean unflaggedSeen = false;
        for (int k = 1; k < lines.size(); k++) {
            String[] f = lines.get(k).split(",");
            assertEquals(k, Integer.parseInt(f[5]), "rows are in rank order, ranks 1..N: " + lines.get(k));
            assertTrue(indices.add(Integer.parseInt(f[0])));
            assertTrue(files.add(f[1]), "each file once: " + f[1]);
            assertTrue(Files.isRegularFile(data.resolve(f[1])), f[1]);
            // The class is the folder the file is in, and the label its position in sorted order.
            String folder = f[1].substring(0, f[1].indexOf('/'));
            assertEquals(folder, f[3]);
            assertEquals(PlantedFolder.CLASSES.indexOf(folder), Integer.parseInt(f[2]));
            double s = Double.parseDouble(f[4]);
            assertTrue(s <= previous + 1e-6, "suspicion falls with rank: " + lines.get(k));
            previous = s;
            boolean isFlagged = f[6].equals("1");
            assertFalse(isFlagged && unflaggedSeen, "the flagged images are the top ranks: " + lines.get(k));
            unflaggedSeen |= !isFlagged;
            flagged += isFlagged ? 1 : 0;
            // suspicion = 1 - l_B / (l_B + l_C + 1e-8), recomputed from the row's own losses.
            double lb = Double.parseDouble(f[7]);
            double lc = Double.parseDouble(f[8]);
            assertEquals(1 - lb / (lb + lc + 1e-8), s, 1e-4, lines.get(k));
        }
        assertEquals(result.flaggedCount(), flagged);
    }

    @Test
    void summaryCountsFlaggedPerClassAndRecordsTheData() throws Exception {
        JsonNode s = Json.read(out.resolve("summary.json"));
        assertEquals(600, s.get("audited").asInt());
        assertEquals(result.flaggedCount(), s.get("flagged").asInt());
        assertFalse(s.has("detection_auroc") || s.has("detection_precision"), "no attack simulated: no detection figures");
        int[] perClass = new int[4];
        for (int i = 0; i < result.flagged().length; i++) {
            perClass[result.labels()[i]] += result.flagged()[i] ? 1 : 0;
        }
        for (int c = 0; c < 4; c++) {
            JsonNode n = s.get("flagged_per_class").get(PlantedFolder.CLASSES.get(c));
            assertEquals(perClass[c], n.get("flagged").asInt(), PlantedFolder.CLASSES.get(c));
            assertEquals(c, n.get("label").asInt());
        }
        assertEquals(1, s.get("fc_epochs").asInt());
        assertEquals("folder", s.get("config").get("data").get("dataset").asText());
        assertTrue(s.get("config").has("audit"));
        assertEquals(clean.toString(), s.get("export_clean").get("directory").asText());
        // The digest, recomputed by hand: sha256 over sorted "<sha256>  <path>" lines of every image file.
        TreeSet<String> paths = new TreeSet<>();
        try (var w = Files.walk(data)) {
            w.filter(Files::isRegularFile).forEach(p -> paths.add(data.relativize(p).toString().replace('\\', '/')));
        }
        StringBuilder sb = new StringBuilder();
        for (String p : paths) {
            sb.append(hex(Files.readAllBytes(data.resolve(p)))).append("  ").append(p).append('\n');
        }
        assertEquals(600, s.get("data_digest").get("files").asInt());
        assertEquals(hex(sb.toString().getBytes(StandardCharsets.UTF_8)), s.get("data_digest").get("sha256").asText());
        JsonNode config = Json.read(out.resolve("config.json"));
        assertEquals(s.get("data_digest"), config.get("data_digest"));
        assertEquals("cbd4j", config.get("tool").asText());
        assertEquals(1, config.get("seed").asInt());
    }

    private static String hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void gridHasOneRowPerClassAndTheMostSuspiciousImagesFirst() throws Exception {
        BufferedImage g = ImageIO.read(out.resolve("suspicious_grid.png").toFile());
        // 16x16 images at scale 4: tiles 64 px; a cell is 64 + 4 wide (ranks up to 600: 3 digits,
        // 24 px, fit) and 64 + 14 + 4 high; the left column holds one digit (8) + 4; padding 4.
        int k = 8;
        assertEquals(4 + 12 + k * 68, g.getWidth());
        assertEquals(4 + 4 * 82, g.getHeight());
        // The first tile of row c is class c's top-ranked image: its top-left pixel at (16, 4 + 82 c).
        ImageDataset images = ImageFolderReader.read(data, 16, 1, false).images();
        for (int c = 0; c < 4; c++) {
            int top = -1;
            for (int i = 0; i < result.rank().length; i++) {
                if (result.labels()[i] == c && (top < 0 || result.rank()[i] < result.rank()[top])) {
                    top = i;
                }
            }
            int gray = images.pixel(top, 0, 0, 0);
            assertEquals(gray << 16 | gray << 8 | gray, g.getRGB(16, 4 + 82 * c) & 0xFFFFFF, "class " + c);
        }
    }

    @Test
    void theReportShowsTheGridAndTheMostSuspiciousRows() throws Exception {
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Most suspicious images per class"), "audit section");
        String grid = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve("suspicious_grid.png")));
        assertTrue(html.contains(grid), "the grid PNG itself is embedded");
        String top = Files.readAllLines(out.resolve("suspicion.csv")).get(1).split(",")[0];
        assertTrue(html.contains(top), "the top-ranked image's id " + top + " is listed");
    }

    @Test
    void exportReadsBackWithoutTheFlaggedImages() throws Exception {
        ImageFolderReader.Result back = ImageFolderReader.read(clean, 16, 1, false);
        assertEquals(PlantedFolder.CLASSES, back.classes(), "every class folder is kept");
        int n = result.labels().length - result.flaggedCount();
        assertEquals(n, back.images().size());
        assertEquals(n, result.exported());
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < result.flagged().length; i++) {
            if (!result.flagged()[i]) {
                expected.add(result.sources()[i]);
            }
        }
        assertEquals(expected, new TreeSet<>(List.of(back.images().sources())));
        for (int i = 0; i < back.images().size(); i++) {
            String src = back.images().source(i);
            assertEquals(PlantedFolder.CLASSES.indexOf(src.substring(0, src.indexOf('/'))), back.images().label(i));
            assertArrayEquals(Files.readAllBytes(data.resolve(src)), Files.readAllBytes(clean.resolve(src)), src);
        }
        try (var s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".clean")), "no temporary sibling left");
        }
    }

    @Test
    void theAuditsModelsScoreLikeAFinishedRun() throws Exception {
        try (CbdScorer scorer = CbdScorer.load(out)) {
            float[] s = scorer.score(ImageFolderReader.read(data, 16, 1, false).images());
            for (int i = 0; i < s.length; i++) {
                assertEquals(result.suspicion()[i], s[i], 1e-6f, "image " + i);
            }
        }
    }

    @Test
    void theSameAuditAgainRescoresFromItsLastCheckpointAndAnotherIsRefused() throws Exception {
        // A copy, so that the other tests read the first audit's files whatever the order.
        Path copy = tmp.resolve("audit-copy");
        try (var w = Files.walk(out)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                Files.copy(p, copy.resolve(out.relativize(p).toString()));
            }
        }
        String before = Files.readString(copy.resolve("suspicion.csv"));
        List<String> messages = new ArrayList<>();
        ExperimentListener collect = new ExperimentListener() {
            @Override
            public void message(String line) {
                messages.add(line);
            }
        };
        AuditResult again = Audit.run(config(data, copy).build(), false, collect, "test");
        assertEquals(before, Files.readString(copy.resolve("suspicion.csv")), "the same scores from the last checkpoint");
        assertEquals("f_C epoch 1", again.resumedFrom());
        assertTrue(messages.stream().anyMatch(m -> m.contains("resuming")), messages.toString());
        assertTrue(messages.stream().noneMatch(m -> m.contains("f_B capture check")), "nothing trained again: " + messages);

        var e = assertThrows(IllegalArgumentException.class, () -> Audit.run(config(data, copy).optFcEpochs(2).build()));
        assertTrue(e.getMessage().contains("another configuration (fc-epochs differs)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Audit.run(config(data, tmp.resolve("other"))
                .optExportClean(clean).build()));
        assertTrue(e.getMessage().startsWith("--export-clean " + clean + " already exists"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("other")), "refused before anything was written");
    }

    @Test
    void withoutFcEpochsTheScoresComeFromFbAloneAndOnlyFbIsSaved() throws Exception {
        Path zero = tmp.resolve("audit-fc0");
        AuditResult r = Audit.run(config(data, zero).optFcEpochs(0).build());
        float lnK = (float) Math.log(4);
        int tp = 0;
        for (int i = 0; i < r.labels().length; i++) {
            assertEquals(lnK, r.lossC()[i], 0f, "an untrained f_C's loss, ln 4");
            tp += r.flagged()[i] && planted.contains(r.sources()[i]) ? 1 : 0;
            for (int j = 0; j < r.labels().length; j++) {
                if (r.lossB()[i] < r.lossB()[j]) {
                    assertTrue(r.rank()[i] < r.rank()[j], "lower f_B loss, more suspicious: " + i + " vs " + j);
                }
            }
        }
        // f_B's capture epoch split off a low group of 12.3 % (the patch is on 12.5 %).
        assertTrue(tp >= 0.9 * r.flaggedCount() && tp >= 0.8 * planted.size(), tp + " of " + r.flaggedCount());
        assertTrue(Files.isRegularFile(zero.resolve("models/f_B-0000.params")));
        assertFalse(Files.exists(zero.resolve("models/f_C-0000.params")), "no f_C was trained");
        JsonNode s = Json.read(zero.resolve("summary.json"));
        assertEquals(0, s.get("fc_epochs").asInt());
        assertEquals(0, s.get("defense_report").get("fc_epochs").asInt());
    }
}
