package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a tiny real run (generated data, tiny-cnn, BadNets, CBD): the files it is
 * built from, its reproducibility, and how it renders in Debian's headless Chromium.
 */
class ReportBrowserTest {

    @TempDir
    static Path tmp;

    static Path run;

    /** Every chart the report of an attacked CBD run draws. */
    static final List<String> CHARTS = List.of("curve-loss", "curve-ca", "curve-asr", "curve-ra", "weights",
            "suspicion-histogram", "roc", "embedding-f_B", "embedding-f_C", "confusion-clean", "confusion-triggered");

    /**
     * Added to a copy of the report, before {@code </body>}: once the page has loaded, it writes
     * what it finds (each chart's size and drawn data marks, each image's state, any error) as
     * JSON into the DOM, which {@code --dump-dom} prints.
     */
    static final String CHECK = """
            <script>
            (function () {
              var errors = [];
              window.addEventListener('error', function (e) {
                errors.push('error: ' + (e.message || (e.target && e.target.outerHTML.slice(0, 80))));
              }, true);
              var consoleError = console.error;
              console.error = function () {
                errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
                consoleError.apply(console, arguments);
              };
              window.addEventListener('load', function () {
                var charts = [];
                document.querySelectorAll('svg.chart').forEach(function (s) {
                  var box = s.getBoundingClientRect();
                  var drawn = 0;
                  s.querySelectorAll('g.series *').forEach(function (e) {
                    var b = e.getBBox ? e.getBBox() : null;
                    if (b && (b.width > 0 || b.height > 0)) { drawn++; }
                  });
                  charts.push({id: s.getAttribute('data-chart'), children: s.childElementCount,
                    width: box.width, height: box.height, drawn: drawn});
                });
                var images = [];
                document.querySelectorAll('img').forEach(function (i) {
                  images.push({alt: i.alt, ok: i.complete && i.naturalWidth > 0});
                });
                var height = document.documentElement.scrollHeight; // before the check adds its own line
                var out = document.createElement('pre');
                out.id = 'cbd4j-check';
                out.textContent = JSON.stringify({charts: charts, images: images, errors: errors,
                  sections: document.querySelectorAll('section').length,
                  height: height});
                document.body.appendChild(out);
              });
            })();
            </script>
            """;

    @BeforeAll
    static void tinyRun() {
        run = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--dataset", "synthetic", "--limit-train", "300", "--attack", "badnets",
                "--defense", "cbd", "--fb-epochs", "2", "--epochs", "2", "--model", "tiny-cnn", "--batch-size", "32",
                "--lr", "0.05", "--seed", "3", "--inversion-steps", "20", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cbd4j: report " + run.resolve("report.html")), r.err());
    }

    @Test
    void cbdReportRewritesTheSameBytesTheRunWrote() throws Exception {
        byte[] written = Files.readAllBytes(run.resolve("report.html"));
        CliTest.Result r = CliTest.run("report", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(run.resolve("report.html").toString(), r.out().strip());
        assertArrayEquals(written, Files.readAllBytes(run.resolve("report.html")));
    }

    @Test
    void cbdReportOnADirectoryThatIsNoRunIsOneErrorLine() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("not-a-run"));
        CliTest.Result r = CliTest.run("report", other.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("cbd: error: " + other + " is neither a cbd4j run directory"), r.err());
        assertTrue(Files.notExists(other.resolve("report.html")));
    }

    /** The report's AUROC is recomputed from sample_scores.csv and must agree with summary.json. */
    @Test
    void theReportsAurocIsTheSummarysAuroc() throws Exception {
        String html = Files.readString(run.resolve("report.html"));
        Matcher m = Pattern.compile("AUROC (\\d\\.\\d{4}), computed here from sample_scores.csv \\(summary.json: "
                + "(\\d\\.\\d{4})\\)").matcher(html);
        assertTrue(m.find(), "no AUROC caption");
        JsonNode summary = Json.read(run.resolve("summary.json"));
        String expected = String.format(Locale.ROOT, "%.4f", summary.get("detection_auroc").doubleValue());
        assertEquals(expected, m.group(1));
        assertEquals(expected, m.group(2));
        JsonNode rep = summary.get("defense_report");
        assertTrue(rep.has("flagging_threshold") && rep.has("flagging_threshold_suspicion"), rep.toString());
    }

    /**
     * confusion.csv against itself: the triggered set is every clean test image outside the target
     * class 0, so each triggered row holds as many images as the same clean row, and row 0 none.
     * embeddings.csv: f_B then f_C, each over all 300 images (fewer than the 1,000 drawn), with
     * the poisoned flags of poisoned_indices.csv.
     */
    @Test
    void theRunWritesTheDataTheReportDraws() throws Exception {
        Map<String, long[]> rowSums = new HashMap<>();
        long clean = 0;
        List<String> confusion = Files.readAllLines(run.resolve("confusion.csv"));
        assertEquals(1 + 2 * 16, confusion.size(), "4 x 4 cells for each set");
        for (String line : confusion.subList(1, confusion.size())) {
            String[] f = line.split(",");
            rowSums.computeIfAbsent(f[0], k -> new long[4])[Integer.parseInt(f[1])] += Long.parseLong(f[3]);
            clean += f[0].equals("clean") ? Long.parseLong(f[3]) : 0;
        }
        assertEquals(500, clean, "the synthetic test set has 500 images");
        long[] c = rowSums.get("clean");
        assertArrayEquals(new long[] {0, c[1], c[2], c[3]}, rowSums.get("triggered"));

        List<String> indices = Files.readAllLines(run.resolve("poisoned_indices.csv"));
        List<String> poisoned = indices.subList(1, indices.size());
        assertEquals(30, poisoned.size(), "10 % of 300");
        List<String> lines = Files.readAllLines(run.resolve("embeddings.csv"));
        assertEquals("index,label,poisoned,net,pc1,pc2", lines.get(0));
        assertEquals(601, lines.size());
        List<String> nets = new ArrayList<>();
        for (int k = 1; k < lines.size(); k++) {
            String[] f = lines.get(k).split(",");
            assertEquals(Integer.toString((k - 1) % 300), f[0]);
            assertEquals(poisoned.contains(f[0]) ? "1" : "0", f[2], lines.get(k));
            if (!nets.contains(f[3])) {
                nets.add(f[3]);
            }
        }
        assertEquals(List.of("f_B", "f_C"), nets);
        assertTrue(Files.size(run.resolve("preview.png")) > 100);
    }

    @Test
    void theReportRendersInHeadlessChromiumWithEveryChartDrawn() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        String html = Files.readString(run.resolve("report.html"));
        Path page = tmp.resolve("checked-report.html");
        Files.writeString(page, html.replace("</body>", CHECK + "</body>"));
        HeadlessChromium.Result r = chromium.run(tmp, "--enable-logging=stderr", "--v=0", "--dump-dom",
                page.toUri().toString());
        List<String> console = r.stderr().lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertEquals(List.of(), console, "console messages while the page loaded");
        Matcher m = Pattern.compile("<pre id=\"cbd4j-check\">(.*?)</pre>", Pattern.DOTALL).matcher(r.stdout());
        assertTrue(m.find(), "the page's check did not run; DOM: " + r.stdout().substring(0, Math.min(500, r.stdout().length())));
        JsonNode check = Json.MAPPER.readTree(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
        assertEquals(0, check.get("errors").size(), check.get("errors").toString());
        assertEquals(10, check.get("sections").asInt());
        List<String> found = new ArrayList<>();
        for (JsonNode chart : check.get("charts")) {
            String id = chart.get("id").asText();
            found.add(id);
            assertTrue(chart.get("children").asInt() > 0 && chart.get("width").asDouble() > 100
                    && chart.get("height").asDouble() > 100, id + ": " + chart);
            assertTrue(chart.get("drawn").asInt() > 0, id + " draws no data: " + chart);
        }
        assertEquals(CHARTS, found);
        assertTrue(check.get("images").size() >= 1, "the trigger preview");
        for (JsonNode img : check.get("images")) {
            assertTrue(img.get("ok").asBoolean(), "image not decoded: " + img);
        }

        int height = Math.min(16000, check.get("height").asInt());
        Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium.run(tmp, "--hide-scrollbars", "--window-size=1100," + height, "--screenshot=" + shot,
                run.resolve("report.html").toUri().toString());
        byte[] png = Files.readAllBytes(shot);
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(png, 16, 8);
        assertEquals(1100, header.getInt(), "screenshot width");
        assertEquals(height, header.getInt(), "screenshot height");
        System.err.println("report screenshot: " + shot);
    }
}
