package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of hand-made run and bench directories: what is drawn, what is said to be missing,
 * and that the same directory always gives the same bytes. (A real run's report is checked in a
 * browser by the CLI's ReportBrowserTest.)
 */
class HtmlReportTest {

    @TempDir
    Path tmp;

    private static final String CONFIG = "{\"tool\": \"cbd4j\", \"toolVersion\": \"test\", \"toolCommit\": \"abc1234\", \"seed\": 5, \"config\": "
            + "{\"format\": 2, \"data\": {\"dataset\": \"synthetic\"}, \"attack\": {\"attack\": \"%s\"}, "
            + "\"defense\": {\"defense\": \"%s\"}, \"training\": {\"model\": \"tiny-cnn\"}}, "
            + "\"data\": {\"dataset\": \"synthetic\", \"location\": \"generated\", \"sha256\": {}}}";
    private static final String METRICS_HEADER = "stage,epoch,loss,lr,mi,ca,asr,ra,weight_poisoned,weight_clean,seconds\n";

    /** An undefended run without attack: no ASR, RA, weights, scores, embeddings or triggered matrix. */
    private Path cleanRun() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("clean-run"));
        Files.writeString(run.resolve("config.json"), String.format(CONFIG, "none", "none"));
        Files.writeString(run.resolve("metrics.csv"), METRICS_HEADER + "train,1,1.2,0.1,,50,,,,,1.0\n"
                + "train,2,0.9,0.1,,60,,,,,2.0\n");
        Files.writeString(run.resolve("summary.json"), "{\"ca\": 60.0, \"asr\": null, \"ra\": null, \"poisoned\": 0}");
        Files.writeString(run.resolve("sample_scores.csv"), "index,source,label,poisoned\n0,,0,0\n1,,1,0\n");
        Files.writeString(run.resolve("confusion.csv"), "set,true_class,predicted_class,count\n"
                + "clean,0,0,3\nclean,0,1,1\nclean,1,0,0\nclean,1,1,4\n");
        return run;
    }

    /**
     * An attacked run whose defense scores and flags by top-k (like ABL) and writes no threshold:
     * clean 0.1, 0.2, 0.3 (unflagged), poisoned 0.9 and clean 0.8 flagged, poisoned 0.3.
     */
    private Path scoredRun() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("scored-run"));
        Files.writeString(run.resolve("config.json"), String.format(CONFIG, "badnets", "abl"));
        Files.writeString(run.resolve("metrics.csv"), METRICS_HEADER + "isolate,1,1.0,0.1,,40,90,5,,,1\n"
                + "train,1,0.8,0.1,,50,80,10,,,2\nunlearn,1,0.7,0.1,,55,5,45,,,3\n");
        Files.writeString(run.resolve("summary.json"), "{\"ca\": 55.0, \"asr\": 5.0, \"ra\": 45.0, "
                + "\"detection_auroc\": 0.8125, \"flagged\": 2}");
        Files.writeString(run.resolve("sample_scores.csv"), "index,source,label,poisoned,suspicion,flagged\n"
                + "0,,0,0,0.1,0\n1,,0,0,0.2,0\n2,,1,0,0.3,0\n3,\"a,b.png\",0,1,0.9,1\n4,,1,0,0.8,1\n5,,0,1,0.3,0\n");
        return run;
    }

    @Test
    void missingInputsGiveSectionsThatSayWhy() throws Exception {
        String html = HtmlReport.html(cleanRun());
        for (String id : new String[] {"summary", "curves", "weights", "suspicion", "roc", "embeddings", "confusion",
            "trigger", "defense-report", "provenance"}) {
            assertTrue(html.contains("<section id=\"" + id + "\""), id + " section missing");
        }
        assertTrue(html.contains("data-chart=\"curve-loss\"") && html.contains("data-chart=\"curve-ca\""), "curves drawn");
        assertFalse(html.contains("data-chart=\"curve-asr\""), "no ASR curve without an attack");
        assertTrue(html.contains("ASR and RA are not drawn: metrics.csv has no value for them (no attack"), html);
        assertTrue(html.contains("The none defense does not weight samples"));
        assertTrue(html.contains("The none defense gives no per-sample suspicion score"));
        assertTrue(html.contains("No ROC: the none defense gives no suspicion score."));
        assertTrue(html.contains("No embeddings.csv"));
        assertTrue(html.contains("data-chart=\"confusion-clean\"") && !html.contains("data-chart=\"confusion-triggered\""));
        assertTrue(html.contains("No triggered test set (no attack)"));
        assertTrue(html.contains("n/a (no attack)"), "a null ASR is shown as not applicable");
        assertTrue(html.contains("No preview.png: no attack, nothing is poisoned."));
        assertFalse(html.contains("id=\"audit\""), "no audit section without the audit's files");
        assertTrue(html.contains("cbd4j test (abc1234)"), "the heading names the commit the run was built from");
        assertTrue(html.contains("built from commit") && html.contains("abc1234</td>"), "provenance table names it");
        assertFalse(html.contains("NaN") || html.contains("Infinity"), "no NaN in the page");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").matches("(?s).*(https?:|src=\"(?!data:)).*"),
                "nothing fetched: no address but the SVG namespace, images only as data");
    }

    @Test
    void theAuditsMostSuspiciousImagesAreShownWhenItsFilesExist() throws Exception {
        Path run = cleanRun();
        Files.write(run.resolve("suspicious_grid.png"), PreviewGrid.png(
                new org.cbd4j.data.ImageDataset(new byte[16], new int[] {1}, 1, 4, 4, 2, null),
                new org.cbd4j.data.ImageDataset(new byte[16], new int[] {1}, 1, 4, 4, 2, null), new int[] {0}));
        StringBuilder csv = new StringBuilder("class,rank,index,suspicion\n");
        for (int i = 0; i < 25; i++) {
            csv.append(i % 2).append(',').append(i / 2 + 1).append(',').append(100 + i).append(",0.5\n");
        }
        Files.writeString(run.resolve("suspicion.csv"), csv.toString());
        String html = HtmlReport.html(run);
        assertTrue(html.contains("<h2>Most suspicious images per class</h2>"), html);
        assertTrue(html.contains("src=\"data:image/png;base64,"));
        assertTrue(html.contains("The first 20 of 25 rows of suspicion.csv"));
        assertTrue(html.contains("<td class=\"num\">119</td>") && !html.contains("<td class=\"num\">120</td>"));
    }

    /**
     * The derived cut lies midway between 0.3 and 0.8 (x = 62 + 0.55 * 382). AUROC: 0.9 beats all
     * four clean scores, 0.3 beats 0.1 and 0.2, ties 0.3 and loses to 0.8: 6.5 of 8 pairs.
     */
    @Test
    void scoredRunDrawsTheHistogramCutAndTheRoc() throws Exception {
        String html = HtmlReport.html(scoredRun());
        assertTrue(html.contains("<line class=\"threshold\" x1=\"272.1\""), html);
        assertTrue(html.contains(">flagged above 0.550</text>"));
        assertTrue(html.contains("2 samples flagged (dashed line: the cut), 1 of them poisoned."));
        assertTrue(html.contains("AUROC 0.8125, computed here from sample_scores.csv (summary.json: 0.8125)."), html);
        // flagged: one of 4 clean, one of 2 poisoned
        assertTrue(html.contains("The flagged set sits at FPR 0.250, TPR 0.500."));
        assertTrue(html.contains("clean (4)") && html.contains("poisoned (2)"));
        for (String stage : new String[] {"isolate", "train", "unlearn"}) {
            assertTrue(html.contains("data-series=\"" + stage + "\""), stage);
        }
        assertTrue(html.contains("isolate 1, train 2, unlearn 3"), "stage ranges are named");
    }

    @Test
    void aDefenseReportThresholdWinsOverTheDerivedCut() throws Exception {
        Path run = scoredRun();
        Files.writeString(run.resolve("summary.json"), "{\"ca\": 55.0, \"defense_report\": "
                + "{\"flagging_threshold_suspicion\": 0.75}}");
        String html = HtmlReport.html(run);
        // 62 + 0.75 * 382 = 348.5
        assertTrue(html.contains("<line class=\"threshold\" x1=\"348.5\""), html);
    }

    @Test
    void theSameDirectoryGivesTheSameBytes() throws Exception {
        Path run = scoredRun();
        Path written = HtmlReport.write(run);
        assertEquals(run.resolve("report.html"), written);
        byte[] first = Files.readAllBytes(written);
        byte[] second = Files.readAllBytes(HtmlReport.write(run));
        assertArrayEquals(first, second);
        assertEquals(HtmlReport.html(run), Files.readString(written));
    }

    @Test
    void aDirectoryThatIsNeitherARunNorABenchIsRefusedInOneLine() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(empty));
        assertTrue(e.getMessage().contains("neither a cbd4j run directory (no config.json) nor a bench directory"));
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(empty.resolve("report.html")));
        assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(tmp.resolve("absent")));
    }

    @Test
    void aDamagedFileGivesANoteNotACrash() throws Exception {
        Path run = scoredRun();
        Files.writeString(run.resolve("sample_scores.csv"), "index,source,label,poisoned,suspicion\n0,,0,0\n");
        String html = HtmlReport.html(run);
        assertTrue(html.contains("sample_scores.csv could not be read: sample_scores.csv: row 1 has 4 fields"), html);
        assertTrue(html.contains("data-chart=\"curve-loss\""), "the other sections are still drawn");
    }

    @Test
    void benchReportHasTablesChartsAndLinksToCellReports() throws Exception {
        Path bench = Files.createDirectories(tmp.resolve("bench"));
        Files.writeString(bench.resolve("bench-grid.json"), "{\"datasets\": [\"synthetic\"], \"attacks\": [\"badnets\"], "
                + "\"defenses\": [\"none\", \"cbd\"], \"seeds\": [0, 1]}");
        Files.writeString(bench.resolve("results.csv"), "dataset,attack,defense,seed,status,ca,asr,ra,der,rir,"
                + "detection_auroc,detection_precision,detection_recall,flagged,wall_seconds,run_dir\n"
                + "synthetic,badnets,none,0,done,90.0,100.0,0.0,,,,,,,1.0,x\n"
                + "synthetic,badnets,cbd,0,done,88.0,4.0,80.0,0.97,0.89,0.99,0.9,0.95,60,2.0,y\n"
                + "synthetic,badnets,none,1,done,92.0,98.0,1.0,,,,,,,1.0,x\n"
                + "synthetic,badnets,cbd,1,\"failed: f_C epoch 1, batch 3: loss NaN\",,,,,,,,,,,y\n");
        Path cell = Files.createDirectories(bench.resolve("cells/synthetic/badnets/seed-0/cbd"));
        Files.writeString(cell.resolve("report.html"), "<!DOCTYPE html>");
        String html = HtmlReport.html(bench);
        assertTrue(html.contains("<h1>cbd4j bench: bench</h1>"));
        assertTrue(html.contains("<td>badnets</td><td class=\"num\">91.00 ± 1.41 / 99.00 ± 1.41</td>"
                + "<td class=\"num\">88.00 / 4.00</td>"), html);
        assertTrue(html.contains("data-chart=\"bench-ca-synthetic\"") && html.contains("data-chart=\"bench-asr-synthetic\""));
        // the CA chart's none bar is the mean, 91 (y = 252 - 0.91 * 218 = 53.62)
        Matcher m = Pattern.compile("data-chart=\"bench-ca-synthetic\".*?</svg>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find());
        assertTrue(m.group().contains(" y=\"53.62\"") && m.group().contains(">91.0</text>"), m.group());
        assertTrue(html.contains("<a href=\"cells/synthetic/badnets/seed-0/cbd/report.html\">"));
        assertFalse(html.contains("seed-1/cbd/report.html"), "no link to a report that does not exist");
        assertTrue(html.contains("failed: f_C epoch 1, batch 3: loss NaN"), "a failed cell is listed with its reason");
        assertEquals(html, HtmlReport.html(bench));
    }
}
