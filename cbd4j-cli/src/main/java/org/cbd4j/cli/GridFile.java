package org.cbd4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbd4j.attack.Attacks;
import org.cbd4j.cli.ConfigFiles.ConfigException;
import org.cbd4j.data.DatasetResolver;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * A benchmark grid: datasets x attacks x defenses x seeds, plus train options shared by every
 * cell (the keys of a {@code --config} file, minus the grid's own axes):
 *
 * <pre>
 * datasets: [fashion-mnist]
 * attacks: [badnets]
 * defenses: [none, cbd]
 * seeds: [0, 1]          # optional, default [0]
 * train: {model: small-cnn, epochs: 12, fb-epochs: 1}   # optional
 * </pre>
 */
record GridFile(List<String> datasets, List<String> attacks, List<String> defenses, List<Long> seeds,
        Map<String, Object> train) {

    /** One run of the grid. */
    record Cell(String dataset, String attack, String defense, long seed) {}

    static final Set<String> KEYS = Set.of("datasets", "attacks", "defenses", "seeds", "train");
    /** Train keys that are axes of the grid (or per-cell), so not shared options. */
    static final Set<String> AXES = Set.of("dataset", "attack", "defense", "seed", "out", "baseline");
    static final int MAX_CELLS = 10_000;

    /** Reads and checks a grid file. */
    static GridFile read(Path file) {
        return parse(file, ConfigFiles.read(file));
    }

    static GridFile parse(Path file, JsonNode tree) {
        if (!tree.isObject()) {
            throw new ConfigException(file, "expected a mapping with datasets, attacks, defenses, got " + ConfigFiles.describe(tree));
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new ConfigException(file, "unknown key '" + shorten(k) + "' (known: attacks, datasets, defenses, seeds, train)");
            }
        }
        List<String> datasets = names(file, tree, "datasets", DatasetResolver.NAMES);
        List<String> attacks = names(file, tree, "attacks", list(Attacks.names()));
        List<String> defenses = names(file, tree, "defenses", org.cbd4j.defense.Defenses.NAMES);
        List<Long> seeds = new ArrayList<>();
        JsonNode s = tree.get("seeds");
        if (s == null) {
            seeds.add(0L);
        } else {
            if (!s.isArray() || s.isEmpty()) {
                throw new ConfigException(file, "'seeds' expects a non-empty list of whole numbers, got " + ConfigFiles.describe(s));
            }
            for (JsonNode n : s) {
                Long v = (Long) RunConfigFile.convert(file, "seeds", n, long.class);
                if (seeds.contains(v)) {
                    throw new ConfigException(file, "'seeds' lists " + v + " twice");
                }
                seeds.add(v);
            }
        }
        Map<String, Object> train = trainOptions(file, tree.get("train"));
        long cells = (long) datasets.size() * attacks.size() * defenses.size() * seeds.size();
        if (cells > MAX_CELLS) {
            throw new ConfigException(file, "the grid has " + cells + " cells; at most " + MAX_CELLS);
        }
        return new GridFile(datasets, attacks, defenses, seeds, train);
    }

    /** Every cell, datasets outermost and seeds innermost. */
    List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (String d : datasets) {
            for (String a : attacks) {
                for (String def : defenses) {
                    for (long seed : seeds) {
                        out.add(new Cell(d, a, def, seed));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> names(Path file, JsonNode tree, String key, List<String> known) {
        JsonNode n = tree.get(key);
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new ConfigException(file, "'" + key + "' expects a non-empty list of names (known: " + String.join(", ", known)
                    + "), got " + ConfigFiles.describe(n));
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : n) {
            if (!item.isTextual() || !known.contains(item.textValue())) {
                throw new ConfigException(file, "'" + key + "' holds " + ConfigFiles.describe(item) + "; known: "
                        + String.join(", ", known));
            }
            if (!out.add(item.textValue())) {
                throw new ConfigException(file, "'" + key + "' lists '" + item.textValue() + "' twice");
            }
        }
        return List.copyOf(out);
    }

    /** The shared train options, typed like the train flags they name. */
    private static Map<String, Object> trainOptions(Path file, JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            throw new ConfigException(file, "'train' expects a mapping of train options, got " + ConfigFiles.describe(n));
        }
        CommandLine.Model.CommandSpec spec = TrainCommand.commandLine().getCommandSpec();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            OptionSpec o = AXES.contains(key) ? null : RunConfigFile.option(spec, key);
            if (o == null) {
                String why = AXES.contains(key) ? " (an axis of the grid or set per cell)" : "";
                throw new ConfigException(file, "'train' has unknown key '" + shorten(key) + "'" + why);
            }
            out.put(key, RunConfigFile.convert(file, "train." + key, e.getValue(), o.type()));
        }
        return out;
    }

    private static List<String> list(Iterable<String> names) {
        List<String> l = new ArrayList<>();
        names.forEach(l::add);
        return l;
    }

    private static String shorten(String k) {
        return k.length() > 60 ? k.substring(0, 60) + "..." : k;
    }
}
