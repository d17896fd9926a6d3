package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cbd4j.defense.AntiBackdoorLearning;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cbd bench}: cells, shared data, resume after a kill, the baselines' flagging rules, bad grids. */
class BenchCommandTest {

    @TempDir
    Path tmp;

    static final String GRID = "datasets: [synthetic]\nattacks: [badnets]\ndefenses: [spectral, none, abl]\n"
            + "train: {model: tiny-cnn, epochs: 2, limit-train: 400, batch-size: 32, lr: 0.05, "
            + "abl-isolation-epochs: 1, abl-unlearn-epochs: 1}\n";

    private Path grid(String text) throws Exception {
        return Files.writeString(tmp.resolve("grid.yaml"), text);
    }

    private static Path cell(Path bench, String defense) {
        return bench.resolve("cells/synthetic/badnets/seed-0/" + defense);
    }

    /** results.csv without the wall-time and run-directory columns. */
    private static List<String> results(Path bench) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(bench.resolve("results.csv"))) {
            String[] f = line.split(",");
            out.add(String.join(",", Arrays.copyOfRange(f, 0, f.length - 2)));
        }
        return out;
    }

    private static double num(Map<?, ?> summary, String key) {
        return ((Number) summary.get(key)).doubleValue();
    }

    /** Rows of a sample_scores.csv as label, suspicion, flagged, and the named extra column. */
    private static List<double[]> scores(Path run, String extra) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("sample_scores.csv"));
        List<String> head = List.of(lines.get(0).split(","));
        List<double[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            rows.add(new double[] {Double.parseDouble(f[head.indexOf("label")]),
                Double.parseDouble(f[head.indexOf("suspicion")]), Double.parseDouble(f[head.indexOf("flagged")]),
                extra == null ? 0 : Double.parseDouble(f[head.indexOf(extra)])});
        }
        return rows;
    }

    @Test
    void benchRunsEveryCellResumesAfterAKillAndSkipsFinishedCells() throws Exception {
        Path g = grid(GRID);
        Path ref = tmp.resolve("ref");
        CliTest.Result r = CliTest.run("bench", "--grid", g.toString(), "--out", ref.toString());
        assertEquals(0, r.code(), r.err());
        List<String> expected = results(ref);
        assertEquals(4, expected.size(), "header + 3 cells");
        assertTrue(expected.get(1).startsWith("synthetic,badnets,none,0,done"), "none runs first: " + expected);
        String md = Files.readString(ref.resolve("results.md"));
        assertTrue(md.contains("| attack | none | spectral | abl |") && md.contains("| badnets |"), md);
        Map<?, ?> spectral = Json.MAPPER.convertValue(Json.read(cell(ref, "spectral").resolve("summary.json")), Map.class);
        assertTrue(spectral.get("der") instanceof Number, "DER against the none cell: " + spectral);
        // RIR against the same cell, from the two summaries' CA and RA (percent; 4-decimal rounding).
        Map<?, ?> none = Json.MAPPER.convertValue(Json.read(cell(ref, "none").resolve("summary.json")), Map.class);
        double raGain = Math.max(0, num(spectral, "ra") - num(none, "ra")) / 100;
        double caDrop = Math.max(0, num(none, "ca") - num(spectral, "ca")) / 100;
        assertEquals((raGain - caDrop + 1) / 2, num(spectral, "rir"), 1e-3, "RIR against the none cell: " + spectral);
        assertTrue(md.contains("**RA (%) / DER / RIR**"), md);
        String html = Files.readString(ref.resolve("report.html"));
        assertTrue(html.contains("data-chart=\"bench-ca-synthetic\"") && html.contains("data-chart=\"bench-asr-synthetic\""));
        for (String d : new String[] {"none", "spectral", "abl"}) {
            assertTrue(html.contains("<a href=\"cells/synthetic/badnets/seed-0/" + d + "/report.html\">"), d);
            assertTrue(Files.isRegularFile(cell(ref, d).resolve("report.html")), d + "'s own report");
        }
        assertEquals("cbd bench --grid " + g + " --out " + ref,
                Json.read(cell(ref, "abl").resolve("config.json")).get("commandLine").asText(), "provenance of a cell");

        // ABL isolates exactly round(1 % of 400) = 4 samples: those with the lowest isolation loss.
        List<double[]> abl = scores(cell(ref, "abl"), "isolation_loss");
        assertEquals(AntiBackdoorLearning.isolationCount(400, 0.01), abl.stream().filter(x -> x[2] == 1).count());
        double maxIsolated = abl.stream().filter(x -> x[2] == 1).mapToDouble(x -> x[3]).max().orElseThrow();
        assertTrue(abl.stream().filter(x -> x[2] == 0).allMatch(x -> x[3] >= maxIsolated), "isolated = lowest losses");
        // Spectral removes floor(1.5 x 0.1 x n_c) of every class: its highest-suspicion samples.
        List<double[]> sp = scores(cell(ref, "spectral"), null);
        for (int c = 0; c < 4; c++) {
            int cls = c;
            List<double[]> in = sp.stream().filter(x -> x[0] == cls).sorted(Comparator.comparingDouble(x -> -x[1])).toList();
            long k = (long) Math.floor(1.5 * 0.1 * in.size());
            assertEquals(k, in.stream().filter(x -> x[2] == 1).count(), "class " + c);
            assertTrue(in.subList(0, (int) k).stream().allMatch(x -> x[2] == 1), "class " + c + ": top scores removed");
        }

        // The same bench killed in the middle of the spectral cell's retraining, then run again.
        Path bench = tmp.resolve("bench");
        Path marker = tmp.resolve("marker");
        ProcessBuilder pb = new ProcessBuilder(CbdProcess.command("bench", "--grid", g.toString(), "--out", bench.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile());
        pb.environment().putAll(Map.of("CBD4J_TEST_PAUSE", "batch:retrain:2:3", "CBD4J_TEST_MARKER", marker.toString()));
        Process p = pb.start();
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.exists(marker)) {
            assertTrue(p.isAlive(), "bench died before the pause: " + Files.readString(tmp.resolve("killed.log")));
            assertTrue(System.currentTimeMillis() < deadline, "pause reached in time");
            Thread.sleep(100);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.isRegularFile(cell(bench, "none").resolve("summary.json")));
        assertFalse(Files.exists(cell(bench, "spectral").resolve("summary.json")));
        long noneTime = Files.getLastModifiedTime(cell(bench, "none").resolve("summary.json")).toMillis();

        r = CliTest.run("bench", "--grid", g.toString(), "--out", bench.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("none seed 0: finished earlier, skipped"), r.err());
        assertEquals(noneTime, Files.getLastModifiedTime(cell(bench, "none").resolve("summary.json")).toMillis());
        Map<?, ?> resumed = Json.MAPPER.convertValue(Json.read(cell(bench, "spectral").resolve("summary.json")), Map.class);
        assertEquals("retrain epoch 1", resumed.get("resumed_from"));
        assertEquals(expected, results(bench), "killed and resumed bench = uninterrupted bench");

        // A third run has nothing left to do.
        r = CliTest.run("bench", "--grid", g.toString(), "--out", bench.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.err().lines().filter(l -> l.endsWith("finished earlier, skipped")).count(), r.err());
        assertEquals(expected, results(bench));
    }

    @Test
    void cellsRunSeedBySeedWithNoneFirstInEachAttack() {
        GridFile g = new GridFile(List.of("synthetic"), List.of("badnets", "blend"), List.of("spectral", "none"),
                List.of(1L, 0L), Map.of());
        List<String> got = BenchCommand.ordered(g).stream().map(c -> c.seed() + "/" + c.attack() + "/" + c.defense())
                .toList();
        assertEquals(List.of("1/badnets/none", "1/badnets/spectral", "1/blend/none", "1/blend/spectral",
                "0/badnets/none", "0/badnets/spectral", "0/blend/none", "0/blend/spectral"), got);
    }

    @Test
    void aGridOnCleanDataRunsEveryCellAndLeavesDerOut() throws Exception {
        // Review bug: DER was computed from the none cell's null ASR and the bench died after its
        // first defended cell.
        Path g = grid("datasets: [synthetic]\nattacks: [none]\ndefenses: [none, spectral]\n"
                + "train: {model: tiny-cnn, epochs: 1, limit-train: 200, batch-size: 32}\n");
        Path out = tmp.resolve("clean");
        CliTest.Result r = CliTest.run("bench", "--grid", g.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<?, ?> s = Json.MAPPER.convertValue(Json.read(
                out.resolve("cells/synthetic/none/seed-0/spectral/summary.json")), Map.class);
        assertTrue(s.get("ca") instanceof Number, s.toString());
        assertFalse(s.containsKey("der"), "no attack, no DER: " + s);
        assertFalse(s.containsKey("rir"), "no attack, no RIR: " + s);
        assertEquals(3, results(out).size(), "header + 2 cells done");
    }

    @Test
    void badGridsAndForeignDirectoriesGiveOneLineAndWriteNothing() throws Exception {
        Path out = tmp.resolve("out");
        String[][] cases = {
            {GRID.replace("abl]", "abl, strip]"), "'defenses' holds text 'strip'; known: none, cbd, abl"},
            {GRID.replace("epochs: 2", "epochs: two"), "key 'train.epochs' expects a whole number"},
            {GRID.replace("lr: 0.05", "poison-rate: 1.5"), "grid cell synthetic/badnets/none/seed 0: --poison-rate"},
            {"datasets: [synthetic\n", "not valid YAML/JSON"},
        };
        for (String[] c : cases) {
            CliTest.Result r = CliTest.run("bench", "--grid", grid(c[0]).toString(), "--out", out.toString());
            assertEquals(2, r.code(), c[1]);
            List<String> errLines = r.err().lines().toList();
            assertEquals(1, errLines.size(), r.err());
            assertTrue(errLines.get(0).startsWith("cbd: error: ") && errLines.get(0).contains(c[1]), errLines.get(0));
            assertFalse(Files.exists(out), "nothing written for " + c[1]);
        }
        Files.createDirectories(out.resolve("something"));
        CliTest.Result r = CliTest.run("bench", "--grid", grid(GRID).toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds no bench"), r.err());
        Files.writeString(out.resolve(BenchCommand.GRID_RECORD), "{}");
        r = CliTest.run("bench", "--grid", grid(GRID).toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds a bench of another grid"), r.err());
    }
}
