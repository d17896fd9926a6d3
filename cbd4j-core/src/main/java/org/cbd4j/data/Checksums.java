package org.cbd4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** SHA-256 helpers for provenance and download verification. */
public final class Checksums {

    private Checksums() {}

    /** SHA-256 of a file's bytes as stored. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in);
        }
    }

    /**
     * SHA-256 of a file's content after gzip decompression when the file is gzip, else of its bytes.
     * Dataset hashes are taken on content so that a re-compressed copy (Debian re-gzips
     * Fashion-MNIST) verifies the same as the original.
     */
    public static String contentSha256(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(2);
            InputStream in = Files.newInputStream(file);
            if (head.length == 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            try (InputStream s = in) {
                return digest(s);
            }
        }
    }

    /** MD5 of a file's bytes as stored (only to match checksums that dataset authors publish). */
    public static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (DigestInputStream d = new DigestInputStream(in, md)) {
                d.transferTo(OutputStreamNull.INSTANCE);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }

    /** SHA-256 of a byte array. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(md().digest(data));
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest md = md();
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(OutputStreamNull.INSTANCE);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest md() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
