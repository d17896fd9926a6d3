package org.cbd4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Downloads a file into a cache directory and verifies its content SHA-256 before it becomes
 * visible: bytes go to a {@code .part} file that is renamed only after verification, so an
 * interrupted or corrupt download never leaves a file that looks complete.
 */
public final class Downloader {

    private final HttpClient client;
    private final Duration timeout;

    /** A downloader with the given per-request timeout. */
    public Downloader(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Fetches {@code url} to {@code target} unless a verified copy is already there.
     *
     * @param expectedContentSha256 SHA-256 of the (decompressed) content, see {@link Checksums#contentSha256}
     * @throws IOException on network failure, a non-200 answer or a checksum mismatch; no file is left
     */
    public Path fetch(URI url, Path target, String expectedContentSha256) throws IOException {
        return fetch(url, target, expectedContentSha256, "sha256", Checksums::contentSha256);
    }

    /** As {@link #fetch(URI, Path, String)}, verified by the MD5 of the file's bytes (what CIFAR's authors publish). */
    public Path fetchMd5(URI url, Path target, String expectedMd5) throws IOException {
        return fetch(url, target, expectedMd5, "md5", Checksums::md5);
    }

    /** How a downloaded file is hashed. */
    private interface Digest {
        String of(Path file) throws IOException;
    }

    private Path fetch(URI url, Path target, String expected, String algorithm, Digest digest) throws IOException {
        if (Files.isRegularFile(target) && expected.equals(digest.of(target))) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                // Connection errors often carry no message (ConnectException): name the cause.
                throw new IOException(url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            }
            try (InputStream body = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new IOException(url + ": HTTP " + resp.statusCode());
                }
                Files.copy(body, part, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual;
            try {
                actual = digest.of(part);
            } catch (IOException e) {
                throw new IOException(url + ": downloaded file is corrupt (" + e.getMessage() + ")", e);
            }
            if (!actual.equals(expected)) {
                throw new IOException(url + ": checksum mismatch, expected " + algorithm + " " + expected + " but got " + actual);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(url + ": download interrupted", e);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
