package org.cbd4j.spark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cbd4j.data.ImageFolderReader;

/**
 * The images to audit as one table of {@link #SCHEMA}: an id, the label (a class index, or a class
 * name still to be looked up), and either where the file is (a folder tree, read by the executor
 * that scores it) or its bytes (a Parquet table).
 */
final class AuditInputs {

    /** id, label (index) or label_name (a class name of the run), location (a file) or bytes. */
    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("label_name", DataTypes.StringType, true),
        DataTypes.createStructField("location", DataTypes.StringType, true),
        DataTypes.createStructField("bytes", DataTypes.BinaryType, true)});

    static final List<String> ID_COLUMNS = List.of("id", "path");
    static final List<String> BYTES_COLUMNS = List.of("bytes", "content", "image");

    /**
     * The images and the class names their labels index (null: the labels are the run's).
     *
     * @param labelsByName whether the labels are class names to look up in the run's
     */
    record Images(Dataset<Row> rows, List<String> classNames, boolean labelsByName) {}

    private AuditInputs() {}

    /**
     * {@code root/<class>/<image>} as cbd4j's {@link ImageFolderReader} reads it: classes are the
     * sub-directories not starting with '.', sorted by name; images the files with an image
     * extension, sorted by name; the id is {@code class/file}. Nothing is decoded here. A local
     * folder is listed as the reader lists it (symbolic links not followed); a Hadoop URI
     * ({@code hdfs://}, {@code s3a://}) through Hadoop's file system. An empty folder is no images.
     */
    static Images folder(SparkSession spark, String root, int partitions) throws IOException {
        List<String> classes = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        if (isLocal(root)) {
            Path dir = localPath(root);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--input " + root + " is not a directory of class folders");
            }
            classes.addAll(ImageFolderReader.classNames(dir));
            for (int label = 0; label < classes.size(); label++) {
                try (Stream<Path> s = Files.list(dir.resolve(classes.get(label)))) {
                    for (Path f : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                            .filter(ImageFolderReader::isImage).sorted().toList()) {
                        rows.add(row(classes.get(label) + "/" + f.getFileName(), label, f.toAbsolutePath().normalize().toString()));
                    }
                }
            }
        } else {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root);
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                throw new IllegalArgumentException("--input " + root + " is not a directory of class folders");
            }
            FileStatus[] classDirs = Arrays.stream(fs.listStatus(dir)).filter(FileStatus::isDirectory)
                    .filter(st -> !st.getPath().getName().startsWith("."))
                    .sorted(Comparator.comparing(st -> st.getPath().getName())).toArray(FileStatus[]::new);
            for (int label = 0; label < classDirs.length; label++) {
                String name = classDirs[label].getPath().getName();
                classes.add(name);
                FileStatus[] files = Arrays.stream(fs.listStatus(classDirs[label].getPath())).filter(FileStatus::isFile)
                        .filter(st -> ImageFolderReader.isImage(Path.of(st.getPath().getName())))
                        .sorted(Comparator.comparing(st -> st.getPath().getName())).toArray(FileStatus[]::new);
                for (FileStatus f : files) {
                    rows.add(row(name + "/" + f.getPath().getName(), label, f.getPath().toString()));
                }
            }
        }
        // parallelize keeps the listing's order in contiguous slices, so the table comes out in
        // the folder reader's order.
        int slices = Math.max(1, Math.min(Math.max(1, rows.size()),
                partitions > 0 ? partitions : spark.sparkContext().defaultParallelism()));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return new Images(spark.createDataFrame(jsc.parallelize(rows, slices), SCHEMA), classes, false);
    }

    private static Row row(String id, int label, String location) {
        return RowFactory.create(id, label, null, location, null);
    }

    /**
     * Parquet files of (id or path, bytes or content or image, label): label an integer class
     * index, or a string class name of the run. A directory without data files is no images.
     */
    static Images parquet(SparkSession spark, String path, int partitions) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.globStatus(p) == null || fs.globStatus(p).length == 0) {
            throw new IllegalArgumentException("--parquet " + path + " does not exist");
        }
        if (fs.getFileStatus(p).isDirectory() && Arrays.stream(fs.listStatus(p))
                .map(st -> st.getPath().getName()).allMatch(n -> n.startsWith(".") || n.startsWith("_"))) {
            return new Images(spark.createDataFrame(List.of(), SCHEMA), null, false);
        }
        Dataset<Row> in = spark.read().parquet(path);
        StructType s = in.schema();
        String id = pick(s, ID_COLUMNS, path, "id");
        String bytes = pick(s, BYTES_COLUMNS, path, "image bytes");
        if (!(s.apply(bytes).dataType() instanceof org.apache.spark.sql.types.BinaryType)) {
            throw new IllegalArgumentException("--parquet " + path + ": column " + bytes + " is "
                    + s.apply(bytes).dataType().simpleString() + ", not binary (an image file's bytes)");
        }
        String label = pick(s, List.of("label"), path, "label");
        DataType lt = s.apply(label).dataType();
        boolean byName = lt instanceof org.apache.spark.sql.types.StringType;
        if (!byName && !(lt instanceof IntegralType)) {
            throw new IllegalArgumentException("--parquet " + path + ": column label is " + lt.simpleString()
                    + ", not an integer class index or a string class name");
        }
        Column none = functions.lit(null);
        Dataset<Row> rows = in.select(
                functions.col(id).cast(DataTypes.StringType).as("id"),
                (byName ? none : functions.col(label)).cast(DataTypes.IntegerType).as("label"),
                (byName ? functions.col(label) : none).cast(DataTypes.StringType).as("label_name"),
                none.cast(DataTypes.StringType).as("location"),
                functions.col(bytes).as("bytes"));
        if (partitions > 0) {
            rows = rows.repartition(partitions);
        }
        return new Images(rows, null, byName);
    }

    /** The first of {@code names} that {@code s} has; none is refused in one line naming the columns. */
    private static String pick(StructType s, List<String> names, String path, String what) {
        for (String n : names) {
            if (Arrays.asList(s.fieldNames()).contains(n)) {
                return n;
            }
        }
        throw new IllegalArgumentException("--parquet " + path + " has no " + what + " column (" + String.join(" or ", names)
                + "); its columns: " + String.join(", ", s.fieldNames()));
    }

    /** Larger files are refused per image rather than read into memory (no image cbd4j decodes is this large). */
    static final long MAX_FILE_BYTES = 1L << 28;

    /** The bytes of the file at {@code location}: a local path, or through Hadoop with {@code conf}. */
    static byte[] readFile(String location, org.apache.hadoop.conf.Configuration conf) throws IOException {
        if (isLocal(location)) {
            Path f = localPath(location);
            checkSize(Files.size(f));
            return Files.readAllBytes(f);
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = p.getFileSystem(conf);
        long len = fs.getFileStatus(p).getLen();
        checkSize(len);
        byte[] data = new byte[(int) len];
        try (java.io.InputStream s = fs.open(p)) {
            org.apache.hadoop.io.IOUtils.readFully(s, data, 0, data.length);
        }
        return data;
    }

    private static void checkSize(long bytes) throws IOException {
        if (bytes > MAX_FILE_BYTES) {
            throw new IOException("file of " + bytes + " bytes is larger than an image cbd4j decodes (" + MAX_FILE_BYTES + ")");
        }
    }

    /** Whether {@code location} is a path on this machine's file system (no scheme, or {@code file:}). */
    static boolean isLocal(String location) {
        try {
            String scheme = new URI(location).getScheme();
            return scheme == null || scheme.equals("file");
        } catch (java.net.URISyntaxException e) {
            return true; // not a URI (spaces, say): a plain path
        }
    }

    /** A local location as a path ({@code file:/x} or {@code /x}). */
    static Path localPath(String location) {
        return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    }
}
