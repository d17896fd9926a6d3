package org.cbd4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Download and resolver behaviour against an HTTP server on 127.0.0.1 serving generated files. */
class DownloadTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath().substring(1));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static long filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void verifiedDownloadLandsInCache() throws Exception {
        byte[] content = "hello idx".getBytes();
        served.put("f.gz", IdxFiles.gzip(content));
        Path target = tmp.resolve("cache/f.gz");
        new Downloader(Duration.ofSeconds(5)).fetch(URI.create(base + "f.gz"), target, sha(content));
        assertEquals(sha(content), Checksums.contentSha256(target));
    }

    @Test
    void checksumMismatchLeavesNothing() throws Exception {
        served.put("f.gz", IdxFiles.gzip("tampered".getBytes()));
        Path cache = tmp.resolve("cache");
        IOException e = assertThrows(IOException.class, () -> new Downloader(Duration.ofSeconds(5))
                .fetch(URI.create(base + "f.gz"), cache.resolve("f.gz"), sha("original".getBytes())));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertEquals(0, filesIn(cache));
    }

    @Test
    void corruptGzipLeavesNothing() throws Exception {
        byte[] gz = IdxFiles.gzip(new byte[5000]);
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length / 2 + 1] ^= 0x55;
        served.put("f.gz", gz);
        Path cache = tmp.resolve("cache");
        assertThrows(IOException.class, () -> new Downloader(Duration.ofSeconds(5))
                .fetch(URI.create(base + "f.gz"), cache.resolve("f.gz"), sha(new byte[5000])));
        assertEquals(0, filesIn(cache));
    }

    @Test
    void httpErrorIsReported() {
        IOException e = assertThrows(IOException.class, () -> new Downloader(Duration.ofSeconds(5))
                .fetch(URI.create(base + "missing.gz"), tmp.resolve("c/missing.gz"), "00"));
        assertTrue(e.getMessage().contains("404"), e.getMessage());
    }

    @Test
    void refusedConnectionIsNamedInTheError() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        IOException e = assertThrows(IOException.class, () -> new Downloader(Duration.ofSeconds(5))
                .fetch(URI.create("http://127.0.0.1:" + port + "/f.gz"), tmp.resolve("c/f.gz"), "00"));
        assertTrue(e.getMessage().contains("127.0.0.1") && !e.getMessage().contains("null"), e.getMessage());
        assertEquals(0, filesIn(tmp.resolve("c")));
    }

    @Test
    void resolverDownloadsFashionMnistLayoutWhenNoLocalCopy() throws Exception {
        byte[] trainImg = IdxFiles.images(0x803, 3, 2, 2, new byte[12]);
        byte[] trainLab = IdxFiles.labels(0x801, 3, new byte[] {0, 1, 2});
        byte[] testImg = IdxFiles.images(0x803, 1, 2, 2, new byte[] {9, 9, 9, 9});
        byte[] testLab = IdxFiles.labels(0x801, 1, new byte[] {7});
        Map<String, byte[]> files = Map.of("train-images-idx3-ubyte", trainImg, "train-labels-idx1-ubyte", trainLab,
                "t10k-images-idx3-ubyte", testImg, "t10k-labels-idx1-ubyte", testLab);
        Map<String, String> hashes = new HashMap<>();
        for (var f : files.entrySet()) {
            served.put(f.getKey() + ".gz", IdxFiles.gzip(f.getValue()));
            hashes.put(f.getKey(), sha(f.getValue()));
        }
        DatasetResolver r = new DatasetResolver(tmp.resolve("cache"), base, false, tmp.resolve("no-debian"), hashes);
        TrainTestSplit s = r.load("fashion-mnist", null, 0);
        assertEquals(3, s.train().size());
        assertArrayEquals(new int[] {7}, s.test().labels());
        assertTrue(s.source().origin().startsWith("download:"));
        assertEquals(sha(trainImg), s.source().sha256().get("train-images-idx3-ubyte.gz"));
        // A second resolver finds the verified cache without the server.
        server.stop(0);
        TrainTestSplit again = new DatasetResolver(tmp.resolve("cache"), base, false, tmp.resolve("no-debian"), hashes)
                .load("fashion-mnist", null, 0);
        assertEquals(3, again.train().size());
    }

    @Test
    void resolverGivesInstallHintWhenNothingWorks() {
        DatasetResolver r = new DatasetResolver(tmp.resolve("cache"), base, false, tmp.resolve("no-debian"));
        IOException e = assertThrows(IOException.class, () -> r.load("fashion-mnist", null, 0));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void explicitDirectoryWithoutFilesIsAnError() {
        DatasetResolver r = new DatasetResolver(tmp.resolve("cache"), base, false, tmp.resolve("no-debian"));
        assertThrows(DatasetFormatException.class, () -> r.load("fashion-mnist", tmp, 0));
    }

    /** A cifar-10-binary.tar.gz-shaped archive: the given entries (name -> bytes; null marks a symlink). */
    private static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new java.util.zip.GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e.getKey(),
                        e.getValue() == null ? org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK
                                : org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL);
                if (e.getValue() == null) {
                    entry.setLinkName("/etc/passwd");
                } else {
                    entry.setSize(e.getValue().length);
                }
                tar.putArchiveEntry(entry);
                if (e.getValue() != null) {
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] cifarBatch(int n, long seed) throws IOException {
        Path f = Files.createTempFile("batch", ".bin");
        CifarBinaryReader.write(SyntheticImages.generate(n, 3, 32, 32, seed), f);
        byte[] b = Files.readAllBytes(f);
        Files.delete(f);
        return b;
    }

    @Test
    void cifarIsDownloadedVerifiedExtractedAndCached() throws Exception {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/", new byte[0]);
        entries.put("cifar-10-batches-bin/data_batch_1.bin", cifarBatch(30, 1));
        entries.put("cifar-10-batches-bin/test_batch.bin", cifarBatch(10, 2));
        entries.put("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes());
        byte[] archive = tarGz(entries);
        served.put("cifar.tgz", archive);
        Path cache = tmp.resolve("cache");
        DatasetResolver r = new DatasetResolver(cache, base, false, tmp.resolve("none")).withCifar(base + "cifar.tgz", md5(archive));
        TrainTestSplit s = r.load("cifar10", null, 0);
        assertEquals(30, s.train().size());
        assertEquals(10, s.test().size());
        assertTrue(s.source().origin().startsWith("download:"));
        assertTrue(Files.isRegularFile(cache.resolve("cifar10/data_batch_1.bin")));
        assertFalse(Files.exists(cache.resolve("cifar-10-binary.tar.gz")), "the archive is removed after extraction");
        served.clear();
        assertEquals(30, r.load("cifar10", null, 0).train().size(), "the cache serves without the server");
    }

    @Test
    void aCorruptedCifarArchiveLeavesNothingInTheCache() throws Exception {
        Map<String, byte[]> entries = Map.of("cifar-10-batches-bin/test_batch.bin", cifarBatch(10, 2));
        byte[] archive = tarGz(entries);
        byte[] corrupted = archive.clone();
        corrupted[corrupted.length / 2] ^= 0x55;
        served.put("cifar.tgz", corrupted);
        Path cache = tmp.resolve("cache");
        DatasetResolver r = new DatasetResolver(cache, base, false, tmp.resolve("none")).withCifar(base + "cifar.tgz", md5(archive));
        IOException e = assertThrows(IOException.class, () -> r.load("cifar10", null, 0));
        assertTrue(e.getMessage().contains("checksum mismatch, expected md5"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
        assertEquals(0, filesIn(cache), "nothing half-written in the cache");
    }

    @Test
    void archiveEntriesOutsideTheTargetOrLinksAreRefused() throws Exception {
        Map<Map<String, byte[]>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(Map.of("../../outside.bin", new byte[] {1}), "would land outside the target directory");
        cases.put(Map.of("cifar-10-batches-bin/../../../etc/cron.d/x", new byte[] {1}), "would land outside the target directory");
        cases.put(Map.of("etc/passwd", new byte[] {1}), "holds no CIFAR-10 batches");
        cases.put(java.util.Collections.singletonMap("cifar-10-batches-bin/data_batch_1.bin", (byte[]) null), "is a link");
        for (Map.Entry<Map<String, byte[]>, String> c : cases.entrySet()) {
            Map<String, byte[]> entries = c.getKey();
            byte[] archive = tarGz(entries);
            served.put("cifar.tgz", archive);
            Path cache = tmp.resolve("cache-" + System.nanoTime());
            DatasetResolver r = new DatasetResolver(cache, base, false, tmp.resolve("none")).withCifar(base + "cifar.tgz",
                    md5(archive));
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> r.load("cifar10", null, 0));
            assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " <- " + e.getMessage());
            assertFalse(Files.exists(cache.resolve("cifar10")), "nothing extracted");
            assertFalse(Files.exists(tmp.resolve("outside.bin")));
        }
    }
}
