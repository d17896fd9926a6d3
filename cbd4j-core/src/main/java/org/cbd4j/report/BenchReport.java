package org.cbd4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTML report of a bench directory ({@code cbd bench}): per dataset the comparison tables of
 * {@link BenchTable} and bar charts of CA and ASR per attack and defense (means over seeds), then
 * every cell with a link to its own report.
 */
final class BenchReport {

    private BenchReport() {}

    static String html(Path dir) throws IOException {
        String name = String.valueOf(dir.toAbsolutePath().normalize().getFileName());
        StringBuilder body = new StringBuilder("<h1>").append(Html.esc("cbd4j bench: " + name)).append("</h1>\n");
        Path grid = dir.resolve("bench-grid.json");
        if (Files.isRegularFile(grid)) {
            JsonNode g = Json.read(grid);
            body.append("<p class=\"sub\">").append(Html.esc("Datasets " + list(g.path("datasets")) + " · attacks "
                    + list(g.path("attacks")) + " · defenses " + list(g.path("defenses")) + " · seeds "
                    + list(g.path("seeds")))).append("</p>\n")
                    .append(Html.details("The grid (bench-grid.json)", Html.pre(Json.MAPPER.writeValueAsString(g))));
        }
        Path results = dir.resolve("results.csv");
        if (!Files.isRegularFile(results)) {
            body.append(Html.section("results", "Results", Html.missing("No results.csv: no cell has finished yet.")));
            return Html.page("cbd4j bench: " + name, body.toString());
        }
        List<BenchTable.Row> rows = rows(Csv.read(results));
        List<String> defenses = new ArrayList<>();
        Set<String> datasets = new LinkedHashSet<>();
        for (BenchTable.Row r : rows) {
            if (!defenses.contains(r.defense())) {
                defenses.add(r.defense());
            }
            datasets.add(r.dataset());
        }
        for (String d : datasets) {
            StringBuilder content = new StringBuilder();
            for (Map.Entry<String, List<List<String>>> t : BenchTable.tables(rows, d, defenses).entrySet()) {
                List<String> header = new ArrayList<>(List.of("attack"));
                header.addAll(defenses);
                content.append("<h3>").append(Html.esc(t.getKey())).append("</h3>\n").append(Html.table(header, t.getValue()));
            }
            content.append(Html.note("Mean ± sample standard deviation over the finished seeds; \"-\": the metric does "
                    + "not apply; \"failed\": every seed of the cell failed."));
            List<String> attacks = new ArrayList<>();
            rows.stream().filter(r -> r.dataset().equals(d) && !attacks.contains(r.attack())).forEach(r -> attacks.add(r.attack()));
            List<String> figures = new ArrayList<>();
            for (String[] m : new String[][] {{"ca", "CA (%)", "Clean accuracy"}, {"asr", "ASR (%)", "Attack success rate"}}) {
                List<Charts.Series> series = new ArrayList<>();
                for (int k = 0; k < defenses.size(); k++) {
                    double[] v = new double[attacks.size()];
                    for (int a = 0; a < attacks.size(); a++) {
                        v[a] = mean(rows, d, attacks.get(a), defenses.get(k), m[0]);
                    }
                    series.add(new Charts.Series(defenses.get(k), Charts.colour(k), null, v));
                }
                String id = "bench-" + m[0] + "-" + d.replaceAll("[^A-Za-z0-9_-]", "_");
                figures.add(Html.figure(m[2] + " by attack and defense", Charts.groupedBars(id, m[1],
                        attacks.toArray(new String[0]), series, new double[] {0, 100}), "Mean over seeds; n/a: no value."));
            }
            content.append(Html.figures(figures));
            body.append(Html.section("dataset-" + d.replaceAll("[^A-Za-z0-9_-]", "_"), d, content.toString()));
        }
        body.append(Html.section("cells", "Cells", cells(dir, rows)));
        return Html.page("cbd4j bench: " + name, body.toString());
    }

    private static String cells(Path dir, List<BenchTable.Row> rows) {
        List<List<String>> table = new ArrayList<>();
        StringBuilder links = new StringBuilder("<ul>\n");
        for (BenchTable.Row r : rows) {
            table.add(List.of(r.dataset(), r.attack(), r.defense(), Long.toString(r.seed()), r.status(),
                    Html.fmt(number(r, "ca"), 2), Html.fmt(number(r, "asr"), 2)));
            String rel = "cells/" + r.dataset() + "/" + r.attack() + "/seed-" + r.seed() + "/" + r.defense() + "/"
                    + HtmlReport.FILE;
            if (Files.isRegularFile(dir.resolve(rel))) {
                links.append("<li>").append(Html.link(rel, r.dataset() + " / " + r.attack() + " / seed " + r.seed() + " / "
                        + r.defense())).append("</li>\n");
            }
        }
        return Html.table(List.of("dataset", "attack", "defense", "seed", "status", "CA (%)", "ASR (%)"), table)
                + (links.length() > 5 ? Html.note("Each cell's own report:") + links + "</ul>\n" : "");
    }

    /** The rows of {@code results.csv}: metrics as numbers, an empty field left out. */
    static List<BenchTable.Row> rows(Csv csv) throws IOException {
        List<BenchTable.Row> out = new ArrayList<>();
        String[] dataset = csv.text("dataset");
        String[] attack = csv.text("attack");
        String[] defense = csv.text("defense");
        double[] seed = csv.numbers("seed");
        String[] status = csv.text("status");
        String[] runDir = csv.has("run_dir") ? csv.text("run_dir") : new String[csv.size()];
        Map<String, double[]> metrics = new LinkedHashMap<>();
        for (String m : BenchTable.METRICS) {
            if (csv.has(m)) {
                metrics.put(m, csv.numbers(m));
            }
        }
        for (int i = 0; i < csv.size(); i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> m : metrics.entrySet()) {
                if (Double.isFinite(m.getValue()[i])) {
                    values.put(m.getKey(), m.getValue()[i]);
                }
            }
            out.add(new BenchTable.Row(dataset[i], attack[i], defense[i], (long) seed[i], status[i], values,
                    runDir[i] == null ? "" : runDir[i]));
        }
        return out;
    }

    private static double mean(List<BenchTable.Row> rows, String d, String a, String def, String metric) {
        List<Double> v = new ArrayList<>();
        for (BenchTable.Row r : rows) {
            if (r.dataset().equals(d) && r.attack().equals(a) && r.defense().equals(def) && "done".equals(r.status())
                    && Double.isFinite(number(r, metric))) {
                v.add(number(r, metric));
            }
        }
        return v.isEmpty() ? Double.NaN : BenchTable.meanAndStd(v)[0];
    }

    private static double number(BenchTable.Row r, String metric) {
        return r.metrics().get(metric) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out.isEmpty() ? "-" : String.join(", ", out);
    }
}
