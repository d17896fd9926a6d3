package org.cbd4j.spark;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job's main class: {@code spark-submit --class org.cbd4j.spark.SparkAudit cbd4j-spark.jar
 * --run RUN --input DIR --out OUT}, or a plain {@code java -cp ... org.cbd4j.spark.SparkAudit}
 * with {@code --master local[N]} on one machine. Exit code 0 when done, 2 for bad input (one
 * line on stderr, nothing written), 1 for any other failure.
 */
@Command(name = "cbd4j-spark", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = SparkAudit.VersionProvider.class,
        description = {"cbd audit --run on Apache Spark: score every image of a folder tree or Parquet table with the saved "
                + "f_B and f_C of a finished cbd run, a partition at a time, and flag the suspects with CBD's whole-set "
                + "rule on the driver.",
            "Writes OUT/scores (id, label, suspicion, loss_fb, loss_fc, flagged, error; an unreadable image is a row "
                + "with the reason in error), OUT/summary (per class: images, flagged, errors) and OUT/summary.json "
                + "(the counts and their provenance)."})
public final class SparkAudit implements Callable<Integer> {

    @Option(names = "--run", paramLabel = "RUN_DIR", required = true,
            description = "A finished cbd run (or audit) whose models/f_B and f_C score; a local path that every "
                    + "executor can read at the same place.")
    String run;

    @Option(names = "--input", paramLabel = "DIR",
            description = "A folder of class folders, DIR/<class>/<image>, read as cbd4j's folder dataset (classes = "
                    + "sorted folder names); a local path or a Hadoop URI (hdfs://, s3a://).")
    String input;

    @Option(names = "--parquet", paramLabel = "PATH",
            description = "Parquet files of (id or path, bytes or content or image = the image file's bytes, label = "
                    + "class index or class name of the run).")
    String parquet;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory; must not exist.")
    String out;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "parquet",
            description = "parquet or csv (with a header), for scores/ and summary/ (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + SparkAuditConfig.DEFAULT_BATCH,
            description = "Images per forward pass inside a partition (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Partitions to score in; each loads the models once (default 0: Spark's default parallelism "
                    + "for a folder, the files' splits for Parquet).")
    int partitions;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: spark.master if set, else local[*]). "
                    + "A local master binds the driver to 127.0.0.1 and runs without the web UI.")
    String master;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "WARN",
            description = "Spark's log level once started (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad input). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SparkAudit());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
            if (System.getenv("CBD4J_DEBUG") != null) {
                t.printStackTrace();
            }
            String msg = t.getMessage() == null ? t.toString() : t.getMessage();
            cmd.getErr().println("cbd4j-spark: error: " + msg.lines().findFirst().orElse(msg));
            return t instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        SparkAuditConfig cfg = new SparkAuditConfig(run, input, parquet, out, SparkAuditConfig.Format.parse(format), batch,
                partitions, "cbd4j-spark " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        org.cbd4j.pipeline.CbdScorer.spec(java.nio.file.Path.of(run)); // a wrong --run is refused before Spark starts
        boolean existed = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSession.builder().config(conf(master)).getOrCreate();
        try {
            spark.sparkContext().setLogLevel(logLevel.toUpperCase(Locale.ROOT));
            SparkAuditJob.Result r = SparkAuditJob.run(spark, cfg);
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "spark audit: %d of %d images flagged, %d unreadable (%.1f s) -> %s/scores (%s)", r.flagged(),
                    r.images(), r.errors(), r.seconds(), r.out(), cfg.format().source()));
            return 0;
        } finally {
            if (!existed) {
                spark.stop();
            }
        }
    }

    /**
     * spark-submit's settings (system properties), with a master when none is set; a local master
     * keeps the driver on the loopback address and starts no web UI unless told otherwise.
     */
    static SparkConf conf(String master) {
        SparkConf conf = new SparkConf().setAppName("cbd4j audit");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }

    /** The version line: cbd4j's and the Spark this jar was built for. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cbd4j-spark " + org.cbd4j.report.Version.get() + " (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ")"};
        }
    }
}
