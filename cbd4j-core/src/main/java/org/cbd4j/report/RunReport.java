package org.cbd4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The HTML report of one run directory: headline figures, the charts of {@link RunCharts}, the
 * trigger preview, the audit's most suspicious images when {@code cbd audit} has written them, the
 * defense's own report and the provenance. Built from the directory's files alone.
 */
final class RunReport {

    /** Rows of the audit's {@code suspicion.csv} shown in the report. */
    static final int AUDIT_ROWS = 20;

    private final Path dir;
    private final JsonNode config;
    private final JsonNode summary;
    private final String defense;

    private RunReport(Path dir) throws IOException {
        this.dir = dir;
        this.config = Json.read(dir.resolve("config.json"));
        Path s = dir.resolve("summary.json");
        this.summary = Files.isRegularFile(s) ? Json.read(s) : null;
        this.defense = setting("defense", "defense", "defense");
    }

    static String html(Path dir) throws IOException {
        return new RunReport(dir).page();
    }

    private String page() {
        RunCharts charts = new RunCharts(dir, defense, summary);
        String[] scoresProblem = {null};
        SampleScores scores = readScores(scoresProblem);
        List<String[]> sections = new ArrayList<>();
        sections.add(new String[] {"summary", "Summary", guard(this::headline)});
        sections.add(new String[] {"curves", "Training curves", guard(charts::curves)});
        sections.add(new String[] {"weights", "Sample weights", guard(charts::weights)});
        sections.add(new String[] {"suspicion", "Suspicion scores",
            scores == null ? Html.missing(scoresProblem[0]) : guard(() -> charts.suspicion(scores))});
        sections.add(new String[] {"roc", "Detection ROC",
            scores == null ? Html.missing(scoresProblem[0]) : guard(() -> charts.roc(scores))});
        sections.add(new String[] {"embeddings", "Embeddings", guard(charts::embeddings)});
        sections.add(new String[] {"confusion", "Confusion matrices", guard(() -> charts.confusion(classNames()))});
        sections.add(new String[] {"trigger", "Trigger preview", guard(this::trigger)});
        if (Files.isRegularFile(dir.resolve("suspicion.csv")) && Files.isRegularFile(dir.resolve("suspicious_grid.png"))) {
            sections.add(new String[] {"audit", "Most suspicious images per class", guard(this::audit)});
        }
        sections.add(new String[] {"defense-report", "Defense report", guard(this::defenseReport)});
        sections.add(new String[] {"provenance", "Configuration and provenance", guard(this::provenance)});
        StringBuilder body = new StringBuilder();
        String title = "cbd4j run: " + defense + " on " + setting("dataset", "data", "dataset") + ", attack "
                + setting("attack", "attack", "attack");
        body.append("<h1>").append(Html.esc(title)).append("</h1>\n<p class=\"sub\">")
                .append(Html.esc("Run directory " + dir.toAbsolutePath().normalize().getFileName() + " · model "
                        + setting("model", "training", "model") + " · seed " + config.path("seed").asText("?")
                        + " · " + config.path("tool").asText("cbd4j") + " " + config.path("toolVersion").asText("")
                        + (config.has("toolCommit") ? " (" + config.get("toolCommit").asText() + ")" : "")))
                .append("</p>\n<nav><p>");
        List<String> links = new ArrayList<>();
        for (String[] s : sections) {
            links.add(Html.link("#" + s[0], s[1]));
        }
        body.append(String.join(" · ", links)).append("</p></nav>\n");
        for (String[] s : sections) {
            body.append(Html.section(s[0], s[1], s[2]));
        }
        return Html.page(title, body.toString());
    }

    /** A section's content, or a note naming what could not be read. */
    private static String guard(Section s) {
        try {
            return s.content();
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return Html.missing("This part could not be drawn: " + msg);
        }
    }

    private interface Section {
        String content() throws IOException;
    }

    private SampleScores readScores(String[] problem) {
        Path f = dir.resolve("sample_scores.csv");
        if (!Files.isRegularFile(f)) {
            problem[0] = "No sample_scores.csv: the run has not finished.";
            return null;
        }
        try {
            return SampleScores.read(f);
        } catch (IOException | RuntimeException e) {
            problem[0] = "sample_scores.csv could not be read: " + e.getMessage();
            return null;
        }
    }

    private String headline() {
        if (summary == null) {
            return Html.missing("No summary.json: the run has not finished; the curves below show the epochs done so far.");
        }
        String[][] figures = {{"ca", "CA (%)", "2"}, {"asr", "ASR (%)", "2"}, {"ra", "RA (%)", "2"}, {"der", "DER", "4"},
            {"rir", "RIR", "4"}, {"fb_ca", "f_B CA (%)", "2"}, {"fb_asr", "f_B ASR (%)", "2"},
            {"detection_auroc", "detection AUROC", "4"}, {"detection_precision", "detection precision", "4"},
            {"detection_recall", "detection recall", "4"}, {"flagged", "flagged samples", "0"},
            {"poisoned", "poisoned samples", "0"}, {"train_size", "training samples", "0"},
            {"wall_seconds", "wall time (s)", "1"}};
        List<List<String>> rows = new ArrayList<>();
        for (String[] f : figures) {
            JsonNode v = summary.get(f[0]);
            if (v != null) {
                rows.add(List.of(f[1], v.isNumber() ? Html.fmt(v.doubleValue(), Integer.parseInt(f[2]))
                        : "n/a (" + (f[0].equals("asr") || f[0].equals("ra") ? "no attack" : "not defined") + ")"));
            }
        }
        return Html.table(List.of("figure", "value"), rows) + (summary.has("metric_definitions")
                ? Html.details("Definitions", Html.pre(summary.get("metric_definitions").asText())) : "");
    }

    private String trigger() throws IOException {
        StringBuilder out = new StringBuilder();
        Path preview = dir.resolve("preview.png");
        if (Files.isRegularFile(preview)) {
            out.append(Html.figure("Clean / poisoned pairs", image(Files.readAllBytes(preview), "clean and poisoned pairs", 1),
                    "Top: the first poisoned training images before the attack, with their labels; below: as trained on "
                            + "(a changed label in red)."));
        } else {
            out.append(Html.missing("No preview.png: " + ("none".equals(setting("attack", "attack", "attack"))
                    ? "no attack, nothing is poisoned." : "the run was written by a cbd4j without it.")));
        }
        Path attack = dir.resolve("attack");
        List<String> figures = new ArrayList<>();
        List<String> others = new ArrayList<>();
        if (Files.isDirectory(attack)) {
            try (Stream<Path> files = Files.list(attack)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".png")) {
                        byte[] png = Files.readAllBytes(f);
                        int[] size = pngSize(png);
                        figures.add(Html.figure(name, image(png, name, Math.max(1, 112 / Math.max(1, size[0]))), null));
                    } else {
                        others.add(name);
                    }
                }
            }
        }
        if (!figures.isEmpty()) {
            out.append(Html.note("The attack's trigger files (attack/):")).append(Html.figures(figures));
        }
        if (!others.isEmpty()) {
            out.append(Html.note("Further trigger files in attack/: " + String.join(", ", others) + "."));
        }
        return out.toString();
    }

    private String audit() throws IOException {
        byte[] png = Files.readAllBytes(dir.resolve("suspicious_grid.png"));
        Csv c = Csv.read(dir.resolve("suspicion.csv"));
        List<List<String>> rows = new ArrayList<>();
        for (String[] r : c.rows().subList(0, Math.min(AUDIT_ROWS, c.size()))) {
            rows.add(List.of(r));
        }
        return Html.figure("Most suspicious images", image(png, "most suspicious images per class", 1), null)
                + Html.note("The first " + rows.size() + " of " + c.size() + " rows of suspicion.csv:")
                + Html.table(c.header(), rows);
    }

    private String defenseReport() throws IOException {
        if (summary == null || !summary.has("defense_report")) {
            return Html.missing("The " + defense + " defense reports nothing about its decisions"
                    + (summary == null ? " yet (no summary.json)." : "."));
        }
        return Html.details("What the " + defense + " defense decided and why (summary.json, defense_report)",
                Html.pre(Json.MAPPER.writeValueAsString(summary.get("defense_report"))));
    }

    private String provenance() throws IOException {
        String[][] keys = {{"tool", "tool"}, {"toolVersion", "version"}, {"toolCommit", "built from commit"},
            {"djlVersion", "DJL"}, {"engine", "engine"}, {"java", "Java"}, {"os", "operating system"},
            {"created", "run started"}, {"commandLine", "command line"}, {"seed", "seed"}};
        List<List<String>> rows = new ArrayList<>();
        for (String[] k : keys) {
            if (config.has(k[0])) {
                rows.add(List.of(k[1], config.get(k[0]).asText()));
            }
        }
        JsonNode data = config.path("data");
        for (String k : new String[] {"dataset", "location", "origin"}) {
            if (data.hasNonNull(k)) {
                rows.add(List.of("data " + k, data.get(k).asText()));
            }
        }
        return Html.table(List.of("provenance", "value"), rows)
                + Html.details("The resolved configuration (config.json, config)",
                        Html.pre(Json.MAPPER.writeValueAsString(config.path("config"))))
                + Html.details("Data files and their SHA-256", Html.pre(Json.MAPPER.writeValueAsString(data.path("sha256"))));
    }

    /** The class names of {@code models/synset.txt}, or none. */
    private List<String> classNames() throws IOException {
        Path synset = dir.resolve("models").resolve("synset.txt");
        return Files.isRegularFile(synset) ? Files.readAllLines(synset).stream().filter(l -> !l.isBlank()).toList()
                : List.of();
    }

    /** A config value by its current (nested) path or its flat name in older run directories. */
    private String setting(String flat, String group, String key) {
        JsonNode c = config.path("config");
        JsonNode nested = c.path(group).path(key);
        if (nested.isValueNode()) {
            return nested.asText();
        }
        JsonNode old = c.path(flat);
        return old.isValueNode() ? old.asText() : "?";
    }

    private static String image(byte[] png, String alt, int scale) {
        int[] size = pngSize(png);
        return size[0] > 0 ? Html.png(png, alt, size[0], size[1], scale) : Html.missing(alt + ": not a PNG image");
    }

    /** Width and height from a PNG's header, or zeros when it is not one. */
    static int[] pngSize(byte[] png) {
        if (png.length < 24 || (png[0] & 0xFF) != 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            return new int[] {0, 0};
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png, 16, 8);
        return new int[] {b.getInt(), b.getInt()};
    }
}
