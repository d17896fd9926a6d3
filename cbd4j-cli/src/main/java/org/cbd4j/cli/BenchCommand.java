package org.cbd4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cbd4j.data.Directories;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.pipeline.Experiment;
import org.cbd4j.pipeline.ExperimentConfig;
import org.cbd4j.pipeline.ExperimentResult;
import org.cbd4j.report.AtomicFiles;
import org.cbd4j.report.BenchTable;
import org.cbd4j.report.HtmlReport;
import org.cbd4j.report.Json;
import org.cbd4j.report.RunDirectory;
import org.cbd4j.train.DivergenceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code cbd bench --grid FILE --out DIR}: every cell of a grid, each in its own run directory
 * {@code DIR/cells/<dataset>/<attack>/seed-<s>/<defense>}. The poisoned data of a (dataset,
 * attack, seed) is built once and shared by its defenses; {@code none} runs first so that the
 * others get their DER. Running the same command again skips finished cells and continues an
 * interrupted one from its checkpoint. {@code results.csv} and {@code results.md} are rewritten
 * after every cell, and so is the bench's {@code report.html} (each cell's run directory has its own).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a grid of datasets x attacks x defenses x seeds from a YAML/JSON file; "
                + "resumable; writes results.csv, results.md (CA / ASR / RA / DER / RIR, mean ± std over seeds) and report.html.")
final class BenchCommand implements Callable<Integer> {

    /** The parsed grid as written into the bench directory, to recognise the same bench on a re-run. */
    static final String GRID_RECORD = "bench-grid.json";

    @picocli.CommandLine.Mixin
    DeviceFlag deviceFlag = new DeviceFlag();

    @Option(names = "--grid", paramLabel = "FILE", required = true,
            description = "Grid file: datasets, attacks, defenses, optional seeds and shared train options.")
    Path grid;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/bench",
            description = "Bench directory; re-running with the same grid resumes it. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--force", description = "Delete an existing bench directory and start over.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        deviceFlag.apply();
        GridFile g = GridFile.read(grid);
        // Every cell's config is built and checked before anything runs or is written.
        Map<GridFile.Cell, ExperimentConfig> configs = new LinkedHashMap<>();
        for (GridFile.Cell c : ordered(g)) {
            configs.put(c, cellConfig(g, c, cellDir(c)));
        }
        openBenchDirectory(g);
        String commandLine = Main.commandLine("bench",
                spec.commandLine().getParseResult().originalArgs().toArray(new String[0]));

        PrintingListener listener = new PrintingListener();
        List<BenchTable.Row> rows = new ArrayList<>();
        Map<String, TrainTestSplit> splits = new HashMap<>();
        Map<String, Experiment.Prepared> prepared = new HashMap<>();
        int done = 0;
        int failed = 0;
        for (Map.Entry<GridFile.Cell, ExperimentConfig> e : configs.entrySet()) {
            GridFile.Cell c = e.getKey();
            ExperimentConfig cfg = e.getValue();
            Path dir = cellDir(c);
            String label = String.format("[%d/%d] %s %s %s seed %d", ++done, configs.size(), c.dataset(), c.attack(),
                    c.defense(), c.seed());
            Path summaryFile = dir.resolve("summary.json");
            BenchTable.Row row;
            if (Files.isRegularFile(summaryFile)) {
                System.err.println("bench: " + label + ": finished earlier, skipped");
                row = new BenchTable.Row(c.dataset(), c.attack(), c.defense(), c.seed(), "done", read(summaryFile), dir.toString());
            } else {
                System.err.println("bench: " + label + " -> " + dir);
                long start = System.nanoTime();
                String dataKey = c.dataset() + "/" + c.seed();
                // A defense with a clean reserve poisons a different remainder: its data is its own.
                String poisonKey = dataKey + "/" + c.attack() + "/" + Experiment.Prepared.reserveFraction(cfg);
                Experiment.Prepared p = prepared.get(poisonKey);
                if (p == null) {
                    prepared.clear(); // one poisoned set in memory at a time
                    TrainTestSplit split = splits.computeIfAbsent(dataKey, k -> load(cfg, listener));
                    p = Experiment.Prepared.poison(cfg, split);
                    prepared.put(poisonKey, p);
                }
                Experiment.Mode mode = Files.isRegularFile(dir.resolve("config.json"))
                        ? Experiment.Mode.RESUME : Experiment.Mode.FORCE;
                try {
                    ExperimentResult r = Experiment.run(cfg, mode, baseline(rows, c), listener, commandLine, p, start);
                    System.err.println("bench: " + label + ": " + ResultTable.headline(r.metrics(), dir.toString()));
                    row = new BenchTable.Row(c.dataset(), c.attack(), c.defense(), c.seed(), "done", r.metrics(),
                            dir.toString());
                } catch (DivergenceException ex) {
                    failed++;
                    System.err.println("bench: " + label + ": failed: " + ex.getMessage());
                    row = new BenchTable.Row(c.dataset(), c.attack(), c.defense(), c.seed(), "failed: " + ex.getMessage(),
                            Map.of(), dir.toString());
                }
            }
            rows.add(row);
            AtomicFiles.write(out.resolve("results.csv"), BenchTable.csv(rows));
            AtomicFiles.write(out.resolve("results.md"), "# cbd bench " + grid.getFileName() + "\n\n"
                    + "Per-cell budget: " + g.train() + "\n\n" + BenchTable.markdown(rows, defenseOrder(g)));
            HtmlReport.write(out);
        }
        System.out.println("bench: " + rows.size() + " cells -> " + out.resolve("results.md"));
        if (failed > 0) {
            System.err.println("cbd: error: " + failed + " cell(s) failed (see " + out.resolve("results.csv")
                    + "); re-run the same command to retry them");
            return 1;
        }
        return 0;
    }

    /** The grid's defenses with {@code none} first. */
    static List<String> defenseOrder(GridFile g) {
        List<String> defenses = new ArrayList<>(g.defenses());
        if (defenses.remove("none")) {
            defenses.add(0, "none");
        }
        return defenses;
    }

    /**
     * Cells seed by seed, and within a seed each (dataset, attack)'s defenses together with
     * {@code none} first, for DER and RIR. Seeds go outermost so that a bench stopped part-way
     * (a grid of two seeds can take hours) holds whole seeds, each run on one machine.
     */
    static List<GridFile.Cell> ordered(GridFile g) {
        List<String> defenses = defenseOrder(g);
        List<GridFile.Cell> cells = new ArrayList<>();
        for (long s : g.seeds()) {
            for (String d : g.datasets()) {
                for (String a : g.attacks()) {
                    for (String def : defenses) {
                        cells.add(new GridFile.Cell(d, a, def, s));
                    }
                }
            }
        }
        return cells;
    }

    Path cellDir(GridFile.Cell c) {
        return out.resolve("cells").resolve(c.dataset()).resolve(c.attack()).resolve("seed-" + c.seed()).resolve(c.defense());
    }

    /** The run config of one cell: the grid's shared train options, then the cell's axes. */
    static ExperimentConfig cellConfig(GridFile g, GridFile.Cell c, Path dir) {
        Map<String, Object> flags = new LinkedHashMap<>(g.train());
        flags.put("dataset", c.dataset());
        flags.put("attack", c.attack());
        flags.put("defense", c.defense());
        flags.put("seed", c.seed());
        try {
            return ExperimentConfig.fromFlags(flags, dir.toString()).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("grid cell " + c.dataset() + "/" + c.attack() + "/" + c.defense() + "/seed "
                    + c.seed() + ": " + e.getMessage(), e);
        }
    }

    /** Creates the bench directory, or recognises the same bench to resume; anything else is refused. */
    private void openBenchDirectory(GridFile g) throws Exception {
        Path record = out.resolve(GRID_RECORD);
        String expected = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(g);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }
        boolean nonEmpty = Files.isDirectory(out) && Files.list(out).findAny().isPresent();
        if (nonEmpty && force) {
            Directories.deleteTree(out);
        } else if (nonEmpty && !Files.isRegularFile(record)) {
            throw new IllegalArgumentException("--out " + out + " is not empty and holds no bench (no " + GRID_RECORD
                    + "); use another --out or --force");
        } else if (nonEmpty && !Files.readString(record).equals(expected)) {
            throw new IllegalArgumentException("--out " + out + " holds a bench of another grid (its " + GRID_RECORD
                    + " differs from " + grid + "); use another --out, or --force to start over");
        } else if (nonEmpty) {
            System.err.println("bench: resuming " + out + " (finished cells are skipped)");
            return;
        }
        Files.createDirectories(out);
        AtomicFiles.write(record, expected);
    }

    private static TrainTestSplit load(ExperimentConfig cfg, PrintingListener listener) {
        try {
            return Experiment.Prepared.load(cfg, listener);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The summary of the same data's undefended cell, once it has finished. */
    private static Experiment.Baseline baseline(List<BenchTable.Row> rows, GridFile.Cell c) {
        for (BenchTable.Row r : rows) {
            if (r.dataset().equals(c.dataset()) && r.attack().equals(c.attack()) && r.seed() == c.seed()
                    && "none".equals(r.defense()) && "done".equals(r.status()) && !"none".equals(c.defense())) {
                return Experiment.Baseline.fromSummary(Json.MAPPER.valueToTree(r.metrics()));
            }
        }
        return null;
    }

    private static Map<String, Object> read(Path summary) throws java.io.IOException {
        return Json.MAPPER.convertValue(Json.read(summary), new TypeReference<>() {});
    }
}
