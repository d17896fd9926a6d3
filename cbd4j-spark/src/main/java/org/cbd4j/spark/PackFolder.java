package org.cbd4j.spark;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Packs a folder tree {@code DIR/<class>/<image>} into Parquet files of (id, bytes, label), the
 * table {@link SparkAudit} reads with {@code --parquet}: id = {@code class/file}, bytes = the file
 * as it is (not decoded), label = the class folder's index in sorted order, as cbd4j's folder
 * reader labels it. Many small image files make slow input on a cluster; one table of them does
 * not. {@code spark-submit --class org.cbd4j.spark.PackFolder cbd4j-spark.jar --input DIR --out T}.
 */
@Command(name = "cbd4j-spark-pack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pack a folder of class folders into Parquet files of (id, bytes, label) for cbd4j-spark --parquet.")
public final class PackFolder implements Callable<Integer> {

    /** id, bytes, label. */
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("bytes", DataTypes.BinaryType)
            .add("label", DataTypes.IntegerType);

    @Option(names = "--input", paramLabel = "DIR", required = true, description = "A folder of class folders.")
    String input;

    @Option(names = "--out", paramLabel = "PATH", required = true, description = "The Parquet directory; must not exist.")
    String out;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Parquet files to write (default 0: Spark's default parallelism).")
    int partitions;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default: spark.master if set, else local[*]).")
    String master;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PackFolder()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("cbd4j-spark-pack: error: " + (ex.getMessage() == null ? ex : ex.getMessage()));
            return ex instanceof IllegalArgumentException ? 2 : 1;
        }).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        boolean existed = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSession.builder().config(SparkAudit.conf(master)).getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            long n = pack(spark, input, out, partitions);
            System.out.println(String.format(Locale.ROOT, "packed %d images -> %s", n, out));
            return 0;
        } finally {
            if (!existed) {
                spark.stop();
            }
        }
    }

    /** Writes the table and returns its row count; an existing {@code out} is refused. */
    static long pack(SparkSession spark, String input, String out, int partitions) throws IOException {
        org.apache.hadoop.fs.Path o = new org.apache.hadoop.fs.Path(out);
        if (o.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(o)) {
            throw new IllegalArgumentException("--out " + out + " already exists; choose a new directory");
        }
        AuditInputs.Images images = AuditInputs.folder(spark, input, partitions);
        HadoopSettings hadoop = new HadoopSettings(spark.sparkContext().hadoopConfiguration());
        // a file that cannot be read fails the packing (its content is not checked: scoring reports a corrupt image)
        Dataset<Row> table = images.rows().mapPartitions((MapPartitionsFunction<Row, Row>) (Iterator<Row> rows) ->
                new Iterator<Row>() {
                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public Row next() {
                        Row r = rows.next();
                        try {
                            return RowFactory.create(r.getString(0), AuditInputs.readFile(r.getString(3), hadoop.get()),
                                    r.getInt(1));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(r.getString(3) + ": cannot read (" + e + ")", e);
                        }
                    }
                }, Encoders.row(SCHEMA));
        table.write().parquet(out);
        return spark.read().parquet(out).count();
    }
}
