package org.cbd4j.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * What one Spark audit needs: the finished run whose f_B and f_C score, the images (a folder
 * tree or a Parquet table, exactly one), where to write and in which format.
 *
 * @param run a finished {@code cbd train --defense cbd} run (or {@code cbd audit}) directory, a
 *     local path that the driver and every executor can read (the same path on every node)
 * @param folder {@code DIR/<class>/<images>}, labels from the sorted class folders as cbd4j's
 *     folder reader gives them; a local path or any Hadoop file system URI ({@code hdfs://...})
 * @param parquet Parquet files with an id ({@code id} or {@code path}), the image file's bytes
 *     ({@code bytes}, {@code content} or {@code image}) and a {@code label} (class index, or class
 *     name of the run)
 * @param out the output directory; it must not exist, and appears whole or not at all
 * @param format {@code parquet} or {@code csv}, for the scores and the per-class summary
 * @param batch images per forward pass inside a partition
 * @param partitions partitions to score in (0: Spark's default parallelism for a folder, the
 *     files' own split for Parquet)
 * @param commandLine what was run, for the provenance
 */
public record SparkAuditConfig(String run, String folder, String parquet, String out, Format format, int batch,
        int partitions, String commandLine) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Images per forward pass unless told otherwise, as {@code CbdScorer}'s own batches. */
    public static final int DEFAULT_BATCH = 256;

    /** The output tables' file format. */
    public enum Format {
        PARQUET, CSV;

        /** {@code parquet} or {@code csv} (any case); anything else is refused in one line. */
        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--format " + s + " is not one of parquet, csv");
        }

        /** Spark's data source name. */
        public String source() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks what can be checked without reading anything; a bad value is refused in one line. */
    public SparkAuditConfig {
        if (run == null) {
            throw new IllegalArgumentException("no run to score with: --run RUN_DIR");
        }
        if ((folder == null) == (parquet == null)) {
            throw new IllegalArgumentException("give the images as exactly one of --input DIR (a folder of class folders) "
                    + "or --parquet PATH");
        }
        if (out == null) {
            throw new IllegalArgumentException("no output directory: --out DIR");
        }
        if (format == null) {
            format = Format.PARQUET;
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch " + batch + " must be at least 1");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions " + partitions + " must be 0 (Spark's default) or more");
        }
    }

    /** The images' location as given. */
    public String input() {
        return folder != null ? folder : parquet;
    }
}
