package org.cbd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cbd4j.data.Checksums;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageFolderReader;
import org.cbd4j.defense.CbdScores;
import org.cbd4j.pipeline.CbdScorer;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark job in local mode against the single-process {@link CbdScorer} on the same files:
 * the same scores per image (1e-5), the same whole-set flags, corrupt files reported by path
 * with the others still scored, an empty input as an empty table.
 */
class SparkAuditJobTest {

    static SparkSession spark;
    static Path data;
    static Path run;

    /** What one process computes for an image: its id, label, losses, suspicion and flag. */
    record Expected(String id, int label, float lossB, float lossC, float suspicion, boolean flagged) {}

    @BeforeAll
    static void setUp() throws Exception {
        spark = TinyRun.spark();
        data = TinyRun.data();
        run = TinyRun.run();
    }

    /** The single-process audit of a folder's readable images: CbdScorer, then the rule over all of them. */
    static Map<String, Expected> singleProcess(Path folder) throws Exception {
        ImageDataset images = ImageFolderReader.read(folder, 16, 1, true).images();
        try (CbdScorer scorer = CbdScorer.load(run)) {
            CbdScorer.Scores s = scorer.scores(images);
            boolean[] flagged = CbdScores.flagged(s.lossB(), s.lossC());
            Map<String, Expected> m = new HashMap<>();
            for (int i = 0; i < images.size(); i++) {
                m.put(images.source(i), new Expected(images.source(i), images.label(i), s.lossB()[i], s.lossC()[i],
                        s.suspicion()[i], flagged[i]));
            }
            return m;
        }
    }

    static SparkAuditConfig folder(Path in, Path out, SparkAuditConfig.Format format, int batch, int partitions) {
        return new SparkAuditConfig(run.toString(), in.toString(), null, out.toString(), format, batch, partitions, "test");
    }

    static List<Row> scores(Path out, SparkAuditConfig.Format format) {
        if (format == SparkAuditConfig.Format.CSV) {
            return spark.read().option("header", "true").schema(WholeSetFlags.SCHEMA).csv(out.resolve("scores").toString())
                    .collectAsList();
        }
        return spark.read().parquet(out.resolve("scores").toString()).collectAsList();
    }

    /** Each row of {@code rows} whose id {@code expected} has carries its scores and flag. */
    static int assertScored(Map<String, Expected> expected, List<Row> rows, Map<String, String> idToExpected) {
        int compared = 0;
        for (Row r : rows) {
            if (!r.isNullAt(6)) {
                continue;
            }
            String key = idToExpected.getOrDefault(r.getString(0), r.getString(0));
            Expected e = expected.get(key);
            assertNotNull(e, "an image the single process scored: " + key);
            assertEquals(e.label(), r.getInt(1), key);
            assertEquals(e.suspicion(), r.getFloat(2), 1e-5, key + " suspicion");
            assertEquals(e.lossB(), r.getFloat(3), 1e-5 * Math.max(1, e.lossB()), key + " loss_fb");
            assertEquals(e.lossC(), r.getFloat(4), 1e-5 * Math.max(1, e.lossC()), key + " loss_fc");
            assertEquals(e.flagged(), r.getBoolean(5), key + " flagged");
            compared++;
        }
        return compared;
    }

    @Test
    void aFolderScoresAsTheSingleProcessScorerDoes() throws Exception {
        Map<String, Expected> expected = singleProcess(data);
        Path out = TinyRun.dir("folder").resolve("out");
        // 3 partitions of batches of 64: models loaded per partition, several batches in each.
        SparkAuditJob.Result r = SparkAuditJob.run(spark, folder(data, out, SparkAuditConfig.Format.PARQUET, 64, 3));

        List<Row> rows = scores(out, SparkAuditConfig.Format.PARQUET);
        assertArrayEquals(new String[] {"id", "label", "suspicion", "loss_fb", "loss_fc", "flagged", "error"},
                spark.read().parquet(out.resolve("scores").toString()).schema().fieldNames());
        assertEquals(TinyRun.IMAGES, rows.size());
        assertEquals(TinyRun.IMAGES, assertScored(expected, rows, Map.of()), "every image scored, none failed");
        // (This one-epoch run flags nothing; WholeSetFlagsTest gives the rule a separate group to flag.)
        long flagged = expected.values().stream().filter(Expected::flagged).count();
        assertEquals(flagged, r.flagged());
        assertEquals(0, r.errors());

        // Per-class counts against the files on disk and the single-process flags.
        List<Row> summary = spark.read().parquet(out.resolve("summary").toString()).orderBy("label").collectAsList();
        assertEquals(4, summary.size());
        for (int c = 0; c < 4; c++) {
            String name = TinyRun.CLASSES.get(c);
            long files;
            try (Stream<Path> s = Files.list(data.resolve(name))) {
                files = s.count();
            }
            int label = c;
            long flaggedHere = expected.values().stream().filter(e -> e.label() == label && e.flagged()).count();
            Row row = summary.get(c);
            assertEquals(c, row.getInt(0));
            assertEquals(name, row.getString(1));
            assertEquals(files, row.getLong(2), name + " images");
            assertEquals(flaggedHere, row.getLong(3), name + " flagged");
            assertEquals(0, row.getLong(4), name + " errors");
        }

        JsonNode json = Json.read(out.resolve("summary.json"));
        assertEquals(TinyRun.IMAGES, json.get("images").asInt());
        assertEquals(Checksums.sha256(run.resolve("models/f_C-0000.params")),
                json.get("run").get("models_sha256").get("f_C-0000.params").asText());
        assertEquals("3.5.9", json.get("provenance").get("spark_version").asText());
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(out), s.toList(), "no temporary directory left beside the output");
        }
    }

    @Test
    void aParquetTableWithClassNamesScoresTheSameAndReportsItsBadRows() throws Exception {
        Map<String, Expected> expected = singleProcess(data);
        Path dir = TinyRun.dir("parquet");
        List<Row> in = new ArrayList<>();
        Map<String, String> idToExpected = new HashMap<>();
        for (Expected e : expected.values()) {
            String id = "s3://bucket/" + e.id(); // any id: the table's, not a path the job reads
            idToExpected.put(id, e.id());
            in.add(RowFactory.create(id, Files.readAllBytes(data.resolve(e.id())), TinyRun.CLASSES.get(e.label())));
        }
        in.add(RowFactory.create("cow.png", Files.readAllBytes(data.resolve("bee/img-0001.png")), "cow"));
        in.add(RowFactory.create("garbage.png", "not an image".getBytes(), "ant"));
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType)
                .add("label", DataTypes.StringType);
        Path table = dir.resolve("in.parquet");
        spark.createDataFrame(in, schema).repartition(2).write().parquet(table.toString());

        Path out = dir.resolve("out");
        SparkAuditJob.Result r = SparkAuditJob.run(spark, new SparkAuditConfig(run.toString(), null, table.toString(),
                out.toString(), SparkAuditConfig.Format.CSV, 100, 0, "test"));
        List<Row> rows = scores(out, SparkAuditConfig.Format.CSV);
        assertEquals(TinyRun.IMAGES + 2, rows.size());
        assertEquals(TinyRun.IMAGES, assertScored(expected, rows, idToExpected));
        Map<String, Row> byId = new HashMap<>();
        rows.forEach(row -> byId.put(row.getString(0), row));
        Row cow = byId.get("cow.png");
        assertEquals("cow.png: label 'cow' is not one of the run's classes (ant, bee, cat, dog)", cow.getString(6));
        assertNull(cow.get(1));
        assertNull(cow.get(2));
        assertNull(cow.get(5));
        Row garbage = byId.get("garbage.png");
        assertEquals("garbage.png: not a PNG, JPEG, BMP or PPM image", garbage.getString(6));
        assertEquals(0, garbage.getInt(1), "a known label is kept");
        assertNull(garbage.get(3));
        assertEquals(2, r.errors());
        assertEquals(1, r.errorsPerClass()[4], "the row without a valid label");
        assertEquals(1, r.errorsPerClass()[0]);
        List<String> header = Files.readAllLines(Files.list(out.resolve("summary"))
                .filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow());
        assertEquals("label,class,images,flagged,errors", header.get(0));
        assertEquals(6, header.size(), "header, 4 classes and the row without a label");
    }

    @Test
    void aCorruptFileIsAnErrorRowAndTheOthersAreStillScored() throws Exception {
        Path dir = TinyRun.dir("corrupt");
        Path in = dir.resolve("images");
        for (String c : TinyRun.CLASSES) {
            Files.createDirectories(in.resolve(c));
            try (Stream<Path> s = Files.list(data.resolve(c))) {
                for (Path f : s.sorted().limit(15).toList()) {
                    Files.copy(f, in.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        Path broken = in.resolve("bee/broken.png");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5});
        Path truncated = in.resolve("cat/truncated.png");
        byte[] png = Files.readAllBytes(in.resolve("cat").resolve(Files.list(in.resolve("cat")).sorted().findFirst()
                .orElseThrow().getFileName()));
        Files.write(truncated, Arrays.copyOf(png, 40));
        Map<String, Expected> expected = singleProcess(in);
        assertEquals(60, expected.size(), "the single process skips the two broken files");

        Path out = dir.resolve("out");
        SparkAuditJob.Result r = SparkAuditJob.run(spark, folder(in, out, SparkAuditConfig.Format.PARQUET, 256, 2));
        List<Row> rows = scores(out, SparkAuditConfig.Format.PARQUET);
        assertEquals(62, rows.size());
        assertEquals(60, assertScored(expected, rows, Map.of()));
        Row b = rows.stream().filter(x -> x.getString(0).equals("bee/broken.png")).findFirst().orElseThrow();
        assertTrue(b.getString(6).startsWith(broken.toAbsolutePath() + ": "), b.getString(6));
        assertEquals(1, b.getInt(1));
        for (int col = 2; col <= 5; col++) {
            assertNull(b.get(col), "no score for a broken file");
        }
        Row t = rows.stream().filter(x -> x.getString(0).equals("cat/truncated.png")).findFirst().orElseThrow();
        assertTrue(t.getString(6).startsWith(truncated.toAbsolutePath() + ": cannot decode image"), t.getString(6));
        assertEquals(2, r.errors());
        assertEquals(1, r.errorsPerClass()[1]);
        assertEquals(16, r.imagesPerClass()[2], "15 copied and the truncated one");
    }

    @Test
    void anEmptyInputGivesAnEmptyTable() throws Exception {
        Path dir = TinyRun.dir("empty");
        Path in = Files.createDirectory(dir.resolve("images"));
        Path out = dir.resolve("out");
        SparkAuditJob.Result r = SparkAuditJob.run(spark, folder(in, out, SparkAuditConfig.Format.PARQUET, 256, 0));
        assertEquals(0, r.images());
        var table = spark.read().parquet(out.resolve("scores").toString());
        assertEquals(0, table.count());
        assertEquals(WholeSetFlags.SCHEMA.fieldNames().length, table.schema().fields().length);
        assertArrayEquals(WholeSetFlags.SCHEMA.fieldNames(), table.schema().fieldNames());
        List<Row> summary = spark.read().parquet(out.resolve("summary").toString()).collectAsList();
        assertEquals(4, summary.size(), "the run's classes, none with an image");
        summary.forEach(row -> assertEquals(0, row.getLong(2)));

        // An empty Parquet directory too, as CSV.
        Path emptyTable = Files.createDirectory(dir.resolve("table"));
        Path out2 = dir.resolve("out2");
        SparkAuditJob.run(spark, new SparkAuditConfig(run.toString(), null, emptyTable.toString(), out2.toString(),
                SparkAuditConfig.Format.CSV, 256, 0, "test"));
        assertEquals(0, scores(out2, SparkAuditConfig.Format.CSV).size());
    }

    @Test
    void badInputIsRefusedInOneLineAndWritesNothing() throws Exception {
        Path dir = TinyRun.dir("bad");
        Path out = dir.resolve("out");
        Path three = dir.resolve("three");
        for (String c : TinyRun.CLASSES.subList(0, 3)) {
            Files.createDirectories(three.resolve(c));
            try (Stream<Path> s = Files.list(data.resolve(c))) {
                Files.copy(s.sorted().findFirst().orElseThrow(), three.resolve(c).resolve("a.png"));
            }
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> SparkAuditJob.run(spark, folder(three, out, SparkAuditConfig.Format.PARQUET, 256, 0)));
        assertEquals("--input " + three + " has 3 class folders (ant, bee, cat); the run's models take 4 classes "
                + "(ant, bee, cat, dog)", e.getMessage());
        var noModels = assertThrows(IllegalArgumentException.class, () -> SparkAuditJob.run(spark,
                new SparkAuditConfig(data.toString(), data.toString(), null, out.toString(), null, 256, 0, "test")));
        assertTrue(noModels.getMessage().contains("has no saved f_B"), noModels.getMessage());
        var inside = assertThrows(IllegalArgumentException.class, () -> SparkAuditJob.run(spark,
                folder(data, data.resolve("ant/out"), SparkAuditConfig.Format.PARQUET, 256, 0)));
        assertTrue(inside.getMessage().endsWith("choose an --out outside the data"), inside.getMessage());
        var noColumns = assertThrows(IllegalArgumentException.class, () -> {
            Path t = dir.resolve("t.parquet");
            spark.createDataFrame(List.of(RowFactory.create("x")), new StructType().add("name", DataTypes.StringType))
                    .write().parquet(t.toString());
            SparkAuditJob.run(spark, new SparkAuditConfig(run.toString(), null, t.toString(), out.toString(), null, 256, 0,
                    "test"));
        });
        assertEquals("--parquet " + dir.resolve("t.parquet") + " has no id column (id or path); its columns: name",
                noColumns.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        Files.createDirectory(out);
        var exists = assertThrows(IllegalArgumentException.class,
                () -> SparkAuditJob.run(spark, folder(data, out, SparkAuditConfig.Format.PARQUET, 256, 0)));
        assertEquals("--out " + out + " already exists; choose a new directory", exists.getMessage());
        assertEquals(0, Files.list(out).count(), "left as it was");
    }
}
