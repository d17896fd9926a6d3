package org.cbd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The main class: its exit codes, its one-line errors and its last line; the local defaults. */
class SparkAuditTest {

    /** Runs the command line, returning exit code, stdout and stderr. */
    record Ran(int code, String out, String err) {}

    static Ran run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = SparkAudit.execute(args);
            return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aRunWritesCsvAndSaysWhatItFlaggedInOneLine() throws Exception {
        TinyRun.spark(); // the shared session: the command takes it instead of starting another
        Path in = TinyRun.smallFolder("cli", 5);
        Path out = in.resolveSibling("out");
        Ran r = run("--run", TinyRun.run().toString(), "--input", in.toString(), "--out", out.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("spark audit: \\d+ of 20 images flagged, 0 unreadable \\(\\d+\\.\\d s\\) -> "
                + java.util.regex.Pattern.quote(out.toString()) + "/scores \\(csv\\)\\R"), r.out());
        List<String> lines;
        try (Stream<Path> s = Files.list(out.resolve("scores"))) {
            lines = s.filter(p -> p.toString().endsWith(".csv")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream();
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }).toList();
        }
        assertEquals(20, lines.stream().filter(l -> !l.startsWith("id,")).count());
        assertTrue(lines.contains("id,label,suspicion,loss_fb,loss_fc,flagged,error"), lines.get(0));
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
    }

    @Test
    void aPackedFolderIsAuditedAsTheFolderIs() throws Exception {
        SparkSession spark = TinyRun.spark();
        Path in = TinyRun.smallFolder("pack", 6);
        Path table = in.resolveSibling("table");
        assertEquals(24, PackFolder.pack(spark, in.toString(), table.toString(), 2));
        Map<String, Row> packed = new HashMap<>();
        spark.read().parquet(table.toString()).collectAsList().forEach(r -> packed.put(r.getString(0), r));
        assertEquals(24, packed.size());
        String bee = "bee/" + Files.list(in.resolve("bee")).sorted().findFirst().orElseThrow().getFileName();
        assertEquals(1, packed.get(bee).getInt(2), "bee is the second class folder");
        assertArrayEquals(Files.readAllBytes(in.resolve(bee)), (byte[]) packed.get(bee).get(1), "the file as it is");

        SparkAuditJob.run(spark, new SparkAuditConfig(TinyRun.run().toString(), in.toString(), null,
                in.resolveSibling("a").toString(), null, 256, 0, "test"));
        SparkAuditJob.run(spark, new SparkAuditConfig(TinyRun.run().toString(), null, table.toString(),
                in.resolveSibling("b").toString(), null, 256, 0, "test"));
        Map<String, Row> a = new HashMap<>();
        spark.read().parquet(in.resolveSibling("a/scores").toString()).collectAsList().forEach(r -> a.put(r.getString(0), r));
        List<Row> b = spark.read().parquet(in.resolveSibling("b/scores").toString()).collectAsList();
        assertEquals(24, b.size());
        for (Row r : b) {
            assertEquals(a.get(r.getString(0)), r, "the same row from the folder and from its table");
        }
    }

    @Test
    void badInputIsOneLineWithExitCode2() throws Exception {
        Path out = TinyRun.dir("cli-bad").resolve("out");
        Ran neither = run("--run", "somewhere", "--out", out.toString());
        assertEquals(2, neither.code());
        assertEquals("cbd4j-spark: error: give the images as exactly one of --input DIR (a folder of class folders) or "
                + "--parquet PATH\n", neither.err().replace("\r\n", "\n"));
        Ran format = run("--run", "r", "--input", "d", "--out", out.toString(), "--format", "xml");
        assertEquals(2, format.code());
        assertEquals("cbd4j-spark: error: --format xml is not one of parquet, csv", format.err().strip());
        Ran noRun = run("--run", out.resolveSibling("none").toString(), "--input", TinyRun.data().toString(), "--out",
                out.toString());
        assertEquals(2, noRun.code());
        assertTrue(noRun.err().startsWith("cbd4j-spark: error: --run ") && noRun.err().strip().lines().count() == 1,
                noRun.err());
        assertFalse(Files.exists(out));
        Ran missing = run("--input", "d", "--out", out.toString());
        assertEquals(2, missing.code(), "picocli's own usage error");
        assertTrue(missing.err().contains("Missing required option: '--run=RUN_DIR'"), missing.err());
    }

    @Test
    void aLocalMasterStaysOnLoopbackWithoutUi() {
        SparkConf local = SparkAudit.conf("local[2]");
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
        assertEquals("false", local.get("spark.ui.enabled"));
        SparkConf cluster = SparkAudit.conf("spark://head:7077");
        assertFalse(cluster.contains("spark.driver.host"), "a cluster's executors must reach the driver");
        assertTrue(cluster.getBoolean("spark.ui.enabled", true));
    }
}
