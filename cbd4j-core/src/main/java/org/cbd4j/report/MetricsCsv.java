package org.cbd4j.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/** Per-epoch metrics appended (and flushed) as they happen, so a crash keeps every finished epoch. */
public final class MetricsCsv {

    public static final List<String> COLUMNS = List.of(
            "stage", "epoch", "loss", "lr", "mi", "ca", "asr", "ra", "weight_poisoned", "weight_clean", "seconds");

    private final Path file;

    private MetricsCsv(Path file) {
        this.file = file;
    }

    /** Creates the file with its header. */
    public static MetricsCsv create(Path file) throws IOException {
        AtomicFiles.write(file, String.join(",", COLUMNS) + "\n");
        return new MetricsCsv(file);
    }

    /**
     * Reopens a file for a resumed run, keeping the header and the first {@code rows} data rows
     * (those that belong to the checkpoint) and dropping rows of epochs that will be rerun.
     *
     * @return the kept data rows, split into fields
     */
    public static java.util.List<String[]> truncate(Path file, int rows) throws IOException {
        java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", COLUMNS))) {
            throw new IOException(file + ": not a cbd4j metrics file");
        }
        java.util.List<String> kept = lines.subList(0, Math.min(lines.size(), rows + 1));
        AtomicFiles.write(file, String.join("\n", kept) + "\n");
        java.util.List<String[]> out = new java.util.ArrayList<>();
        for (String l : kept.subList(1, kept.size())) {
            out.add(l.split(",", -1));
        }
        return out;
    }

    /** Appends to an existing file (after {@link #truncate}). */
    public static MetricsCsv append(Path file) {
        return new MetricsCsv(file);
    }

    /** Appends one row; values map to {@link #COLUMNS} after stage and epoch, NaN written empty. */
    public void append(String stage, int epoch, double... values) throws IOException {
        StringBuilder sb = new StringBuilder(stage).append(',').append(epoch + 1);
        for (double v : values) {
            sb.append(',');
            if (!Double.isNaN(v)) {
                sb.append(String.format(Locale.ROOT, "%.6g", v));
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            w.write(sb.append('\n').toString());
        } catch (IOException e) {
            throw new IOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }
}
