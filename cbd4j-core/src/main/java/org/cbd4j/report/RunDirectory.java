package org.cbd4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.cbd4j.data.Directories;
import org.cbd4j.model.Network;

/**
 * The directory one run writes: {@code config.json} (resolved config + provenance),
 * {@code metrics.csv}, {@code summary.json}, {@code poisoned_indices.csv},
 * {@code sample_scores.csv} and {@code models/} (each network's {@code .params} and
 * {@code .safetensors}, plus {@code serving.properties} and {@code synset.txt} for DJL).
 */
public final class RunDirectory {

    /** The resolved config as {@code cbd train --config} keys. */
    public static final String RUN_CONFIG = "run-config.yaml";

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the directory. An existing non-empty directory is refused unless {@code force},
     * in which case its previous contents are removed first.
     */
    public static RunDirectory create(Path dir, boolean force) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " exists and is not a directory");
        }
        if (Files.isDirectory(dir) && !isEmpty(dir)) {
            if (!force) {
                throw new IllegalArgumentException("--out " + dir + " already exists and is not empty (use --force to replace it)");
            }
            Directories.deleteTree(dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create run directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("run directory " + dir + " is not writable");
        }
        return new RunDirectory(dir);
    }

    /** Opens the existing run directory of a run to resume. */
    public static RunDirectory open(Path dir) {
        return open(dir, true);
    }

    /** Opens an existing directory; with {@code isRun}, it must hold a run's config.json. */
    public static RunDirectory open(Path dir, boolean isRun) {
        if (isRun && !Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("--resume " + dir + " has no config.json (not a cbd4j run directory)");
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public void writeConfig(Provenance provenance) throws IOException {
        Json.write(file("config.json"), provenance);
    }

    /** Writes {@link #RUN_CONFIG} under a comment line. */
    public void writeRunConfig(Map<String, Object> flags, String comment) throws IOException {
        AtomicFiles.write(file(RUN_CONFIG), "# " + comment + "\n" + Json.yaml(flags));
    }

    /** Writes {@code summary.json}; a non-finite number anywhere in it is written as null. */
    public void writeSummary(Map<String, Object> summary) throws IOException {
        Json.write(file("summary.json"), Json.finite(summary));
    }

    /** One index per line under a header. */
    public void writePoisonedIndices(int[] indices) throws IOException {
        writeIndices("poisoned_indices.csv", indices);
    }

    /** {@code name}: one index per line under a header. */
    public void writeIndices(String name, int[] indices) throws IOException {
        writeColumn(name, "index", indices);
    }

    /** {@code name}: one value per line under {@code header}. */
    public void writeColumn(String name, String header, int[] indices) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i : indices) {
            sb.append(i).append('\n');
        }
        AtomicFiles.write(file(name), sb.toString());
    }

    /** The attack's trigger files under {@code attack/}, and its further index sets. */
    public void writeAttackArtifacts(Map<String, byte[]> artifacts, Map<String, int[]> otherIndices) throws IOException {
        for (Map.Entry<String, byte[]> a : artifacts.entrySet()) {
            AtomicFiles.write(file("attack").resolve(a.getKey()), a.getValue());
        }
        for (Map.Entry<String, int[]> e : otherIndices.entrySet()) {
            writeIndices(e.getKey() + "_indices.csv", e.getValue());
        }
    }

    /**
     * Per-sample CSV: index, source, label, poisoned, suspicion (if any) and each extra column.
     * {@code source} is where the sample came from ({@code sources}; empty for generated data
     * without ids), quoted as CSV when it holds a comma, quote or line break.
     */
    public void writeSampleScores(int[] labels, String[] sources, boolean[] poisoned, float[] suspicion,
            Map<String, float[]> columns) throws IOException {
        StringBuilder sb = new StringBuilder("index,source,label,poisoned");
        if (suspicion != null) {
            sb.append(",suspicion");
        }
        columns.keySet().forEach(c -> sb.append(',').append(c));
        sb.append('\n');
        for (int i = 0; i < labels.length; i++) {
            sb.append(i).append(',').append(sources == null ? "" : csvField(sources[i])).append(',').append(labels[i])
                    .append(',').append(poisoned[i] ? 1 : 0);
            if (suspicion != null) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6g", suspicion[i]));
            }
            for (float[] col : columns.values()) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6g", col[i]));
            }
            sb.append('\n');
        }
        AtomicFiles.write(file("sample_scores.csv"), sb.toString());
    }

    /**
     * Saves a network under {@code models/} with the provenance inside the file. DJL writes the
     * file directly, so it is saved into a temporary directory and moved into place: a failed
     * write never leaves a partial model that looks complete.
     */
    public void saveModel(Network net, Provenance provenance) throws IOException {
        Path models = file("models");
        Files.createDirectories(models);
        Path tmp = Files.createTempDirectory(models, ".saving-");
        try {
            try {
                net.save(tmp, provenance.asModelProperties());
                Files.write(tmp.resolve(net.name() + ".safetensors"), net.safetensors());
            } catch (IOException e) {
                throw new IOException("cannot save model " + net.name() + " into " + models + ": " + e.getMessage(), e);
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.move(f, models.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            Directories.deleteTree(tmp);
        }
    }

    /**
     * Writes {@code models/serving.properties} and {@code models/synset.txt}, which make the
     * directory loadable by DJL's {@code Criteria} ({@link org.cbd4j.model.Cbd4jBlockFactory}).
     */
    public void writeServing(org.cbd4j.model.ServingSpec spec) throws IOException {
        Path models = file("models");
        Files.createDirectories(models);
        AtomicFiles.write(models.resolve(org.cbd4j.model.ServingSpec.SYNSET), spec.synset());
        AtomicFiles.write(models.resolve(org.cbd4j.model.ServingSpec.PROPERTIES), spec.properties());
    }

    /** A CSV field, quoted when it must be (RFC 4180). */
    static String csvField(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

}
