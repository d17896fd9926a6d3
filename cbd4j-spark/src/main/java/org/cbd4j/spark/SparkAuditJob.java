package org.cbd4j.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.cbd4j.data.Checksums;
import org.cbd4j.model.ServingSpec;
import org.cbd4j.pipeline.CbdScorer;
import org.cbd4j.report.Json;
import org.cbd4j.report.Version;

/**
 * {@code cbd audit --run} as a Spark job. Pass 1 scores the images a partition at a time
 * ({@link PartitionScorer}, one {@link CbdScorer} per partition) and keeps the scored rows;
 * pass 2 runs CBD's whole-set flagging rule on the driver ({@link WholeSetFlags}) and marks the
 * rows. Writes, into {@code out}:
 * <ul>
 *   <li>{@code scores/}: one row per image, {@link WholeSetFlags#SCHEMA};
 *   <li>{@code summary/}: per class (label, class, images, flagged, errors), and a last row without
 *       a label for the rows whose label was not a class of the run;
 *   <li>{@code summary.json}: the same counts and how they were made (run, its models' SHA-256,
 *       input, Spark and cbd4j versions, command line, time).
 * </ul>
 * All three are written into a temporary sibling that is renamed to {@code out} at the end, so
 * {@code out} appears whole or not at all.
 */
public final class SparkAuditJob {

    /** The job's counts and where it wrote them. */
    public record Result(String out, long images, long flagged, long errors, List<String> classNames, long[] imagesPerClass,
            long[] flaggedPerClass, long[] errorsPerClass, double seconds) {}

    /** per-class summary: label, class, images, flagged, errors. */
    static final StructType SUMMARY = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("class", DataTypes.StringType, true),
        DataTypes.createStructField("images", DataTypes.LongType, false),
        DataTypes.createStructField("flagged", DataTypes.LongType, false),
        DataTypes.createStructField("errors", DataTypes.LongType, false)});

    private SparkAuditJob() {}

    /** Runs the audit on {@code spark}; bad input is refused in one line before anything is written. */
    public static Result run(SparkSession spark, SparkAuditConfig cfg) throws IOException {
        long start = System.nanoTime();
        Path runDir = Path.of(cfg.run()).toAbsolutePath().normalize();
        ServingSpec spec = CbdScorer.spec(runDir);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String f : new String[] {"f_B-0000.params", "f_C-0000.params"}) {
            hashes.put(f, Checksums.sha256(runDir.resolve("models").resolve(f)));
        }
        org.apache.hadoop.fs.Path given = new org.apache.hadoop.fs.Path(cfg.out());
        FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path out = fs.makeQualified(given);
        if (fs.exists(out)) {
            throw new IllegalArgumentException("--out " + cfg.out() + " already exists; choose a new directory");
        }
        if (AuditInputs.isLocal(cfg.out()) && AuditInputs.isLocal(cfg.input()) && AuditInputs.localPath(cfg.out())
                .toAbsolutePath().normalize().startsWith(AuditInputs.localPath(cfg.input()).toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out " + cfg.out() + " is inside the input " + cfg.input()
                    + "; choose an --out outside the data");
        }
        AuditInputs.Images images = cfg.folder() != null ? AuditInputs.folder(spark, cfg.folder(), cfg.partitions())
                : AuditInputs.parquet(spark, cfg.parquet(), cfg.partitions());
        List<String> classNames = spec.classNames();
        if (images.classNames() != null && !images.classNames().isEmpty()) {
            if (images.classNames().size() != spec.numClasses()) {
                throw new IllegalArgumentException("--input " + cfg.folder() + " has " + images.classNames().size()
                        + " class folders (" + String.join(", ", images.classNames()) + "); the run's models take "
                        + spec.numClasses() + " classes (" + String.join(", ", spec.classNames()) + ")");
            }
            if (!images.classNames().equals(spec.classNames())) {
                System.err.println("cbd4j-spark: the class folders (" + String.join(", ", images.classNames())
                        + ") are named unlike the run's classes (" + String.join(", ", spec.classNames())
                        + "); labels are taken by position in sorted order");
            }
            classNames = images.classNames();
        }

        Dataset<Row> scored = images.rows().mapPartitions(new PartitionScorer(runDir.toString(), cfg.batch(),
                new HadoopSettings(spark.sparkContext().hadoopConfiguration())), Encoders.row(PartitionScorer.SCHEMA));
        // Kept, so that pass 2 and the writes read the scores instead of scoring again.
        scored.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            WholeSetFlags.Flags flags = WholeSetFlags.compute(scored, spec.numClasses());
            Dataset<Row> table = WholeSetFlags.apply(scored, flags);
            org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out.getParent(),
                    "." + out.getName() + ".tmp-" + UUID.randomUUID());
            try {
                write(table, cfg, new org.apache.hadoop.fs.Path(tmp, "scores"));
                write(spark.createDataFrame(summaryRows(classNames, flags), SUMMARY).coalesce(1), cfg,
                        new org.apache.hadoop.fs.Path(tmp, "summary"));
                double seconds = (System.nanoTime() - start) / 1e9;
                Result r = new Result(cfg.out(), flags.total(flags.images()), flags.total(flags.flagged()),
                        flags.total(flags.errors()), classNames, flags.images(), flags.flagged(), flags.errors(), seconds);
                try (OutputStream s = fs.create(new org.apache.hadoop.fs.Path(tmp, "summary.json"), false)) {
                    s.write(Json.MAPPER.writeValueAsBytes(Json.finite(summaryJson(spark, cfg, spec, runDir, hashes, r))));
                }
                if (!fs.rename(tmp, out)) {
                    throw new IOException("cannot rename " + tmp + " to " + out);
                }
                return r;
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            }
        } finally {
            scored.unpersist();
        }
    }

    private static void write(Dataset<Row> table, SparkAuditConfig cfg, org.apache.hadoop.fs.Path where) {
        var w = table.write().format(cfg.format().source());
        if (cfg.format() == SparkAuditConfig.Format.CSV) {
            w = w.option("header", "true");
        }
        w.save(where.toString());
    }

    /** One row per class of the run, and one for rows without a valid label when there are any. */
    static List<Row> summaryRows(List<String> classNames, WholeSetFlags.Flags f) {
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            rows.add(RowFactory.create(c, classNames.get(c), f.images()[c], f.flagged()[c], f.errors()[c]));
        }
        int none = classNames.size();
        if (f.images()[none] > 0) {
            rows.add(RowFactory.create(null, null, f.images()[none], f.flagged()[none], f.errors()[none]));
        }
        return rows;
    }

    private static Map<String, Object> summaryJson(SparkSession spark, SparkAuditConfig cfg, ServingSpec spec, Path runDir,
            Map<String, String> hashes, Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("flagged", r.flagged());
        m.put("errors", r.errors());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c <= r.classNames().size(); c++) {
            if (c == r.classNames().size() && r.imagesPerClass()[c] == 0) {
                break;
            }
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("label", c < r.classNames().size() ? c : null);
            k.put("class", c < r.classNames().size() ? r.classNames().get(c) : null);
            k.put("images", r.imagesPerClass()[c]);
            k.put("flagged", r.flaggedPerClass()[c]);
            k.put("errors", r.errorsPerClass()[c]);
            perClass.add(k);
        }
        m.put("per_class", perClass);
        m.put("flagging_rule", "CBD's (CbdScores.flagged) on every scored image's losses at once, on the driver, after "
                + "all partitions were scored");
        m.put("seconds", r.seconds());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("dir", runDir.toString());
        run.put("architecture", spec.architecture());
        run.put("input_shape", List.of(spec.channels(), spec.height(), spec.width()));
        run.put("resize", spec.resize());
        run.put("classes", spec.classNames());
        run.put("models_sha256", hashes);
        m.put("run", run);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put(cfg.folder() != null ? "folder" : "parquet", cfg.input());
        input.put("partitions", cfg.partitions());
        input.put("batch", cfg.batch());
        m.put("input", input);
        m.put("format", cfg.format().source());
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("tool", "cbd4j-spark");
        prov.put("tool_version", Version.get());
        prov.put("tool_commit", Version.commit());
        prov.put("spark_version", spark.version());
        prov.put("master", spark.sparkContext().master());
        prov.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        prov.put("created", Instant.now().toString());
        prov.put("command_line", cfg.commandLine());
        m.put("provenance", prov);
        return m;
    }
}
