package org.cbd4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a possibly gzip-compressed data file without trusting its header: byte counts announced by
 * a header are checked against a hard cap and memory grows only with bytes actually read, so a
 * malformed file cannot cause an OutOfMemoryError.
 */
final class BoundedReader implements AutoCloseable {

    /** Largest payload any reader accepts (a Java array limit, with room to spare). */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 64L;

    private final Path file;
    private final InputStream in;
    private final boolean compressed;

    private BoundedReader(Path file, InputStream in, boolean compressed) {
        this.file = file;
        this.in = in;
        this.compressed = compressed;
    }

    /** Opens a file, transparently decompressing it when it starts with the gzip magic. */
    static BoundedReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "not a readable file");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BoundedReader(file, new GZIPInputStream(raw, 1 << 16), true);
            } catch (IOException e) {
                raw.close();
                throw new DatasetFormatException(file, "corrupt gzip header (" + e.getMessage() + ")");
            }
        }
        return new BoundedReader(file, raw, false);
    }

    Path file() {
        return file;
    }

    boolean compressed() {
        return compressed;
    }

    /** Reads exactly {@code n} bytes or fails with a message naming what was being read. */
    byte[] readExactly(long n, String what) throws DatasetFormatException {
        if (n < 0 || n > MAX_PAYLOAD) {
            throw new DatasetFormatException(file, what + " claims " + n + " bytes, which is absurd");
        }
        byte[] data;
        try {
            // readNBytes grows its buffer with the data actually read, never by the requested size.
            data = in.readNBytes((int) n);
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file, "corrupt or truncated compressed data while reading " + what);
        } catch (IOException e) {
            throw new DatasetFormatException(file, "read error while reading " + what + ": " + e.getMessage());
        }
        if (data.length != n) {
            throw new DatasetFormatException(
                    file, "truncated: " + what + " needs " + n + " bytes, file has " + data.length);
        }
        return data;
    }

    /** Reads a big-endian unsigned 32-bit value. */
    long readUInt32(String what) throws DatasetFormatException {
        byte[] b = readExactly(4, what);
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    /** True when the stream has no byte left (and, for gzip, its checksum verified). */
    boolean atEnd() throws DatasetFormatException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            throw new DatasetFormatException(file, "corrupt compressed data at end of file (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
