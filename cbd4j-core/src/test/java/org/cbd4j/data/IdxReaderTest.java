package org.cbd4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private final byte[] pixels = {0, 1, 2, 3, 4, 5, (byte) 250, 7, 8, 9, 10, (byte) 255};
    private final byte[] labelBytes = {3, 9};

    private Path img(byte[] data) throws IOException {
        return IdxFiles.write(dir, "img", data);
    }

    private Path lab(byte[] data) throws IOException {
        return IdxFiles.write(dir, "lab", data);
    }

    @Test
    void readsRawFiles() throws IOException {
        ImageDataset d = IdxReader.read(img(IdxFiles.images(0x803, 2, 2, 3, pixels)),
                lab(IdxFiles.labels(0x801, 2, labelBytes)), 10);
        assertEquals(2, d.size());
        assertEquals(1, d.channels());
        assertEquals(2, d.height());
        assertEquals(3, d.width());
        assertArrayEquals(new int[] {3, 9}, d.labels());
        assertEquals(250, d.pixel(1, 0, 0, 0));
        assertEquals(255, d.pixel(1, 0, 1, 2));
    }

    @Test
    void readsGzipFilesIdentically() throws IOException {
        ImageDataset d = IdxReader.read(img(IdxFiles.gzip(IdxFiles.images(0x803, 2, 2, 3, pixels))),
                lab(IdxFiles.gzip(IdxFiles.labels(0x801, 2, labelBytes))), 10);
        assertArrayEquals(pixels, d.pixels());
        assertArrayEquals(new String[] {"img#0", "img#1"}, d.sources());
    }

    @Test
    void eachImageIsNamedByItsFileWithoutGzAndItsPositionThere() throws IOException {
        Path images = IdxFiles.write(dir, "train-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(0x803, 2, 2, 3, pixels)));
        ImageDataset d = IdxReader.read(images, lab(IdxFiles.labels(0x801, 2, labelBytes)), 10);
        assertArrayEquals(new String[] {"train-images-idx3-ubyte#0", "train-images-idx3-ubyte#1"}, d.sources());
    }

    private String error(byte[] images, byte[] labels) throws IOException {
        Path i = img(images);
        Path l = lab(labels);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.read(i, l, 10));
        assertTrue(e.getMessage().contains(dir.toString()), "message names the file: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        return e.getMessage();
    }

    @Test
    void rejectsWrongImageMagic() throws IOException {
        assertTrue(error(IdxFiles.images(0x801, 2, 2, 3, pixels), IdxFiles.labels(0x801, 2, labelBytes))
                .contains("wrong magic"));
    }

    @Test
    void rejectsWrongLabelMagic() throws IOException {
        assertTrue(error(IdxFiles.images(0x803, 2, 2, 3, pixels), IdxFiles.labels(0x803, 2, labelBytes))
                .contains("wrong magic"));
    }

    @Test
    void rejectsTruncatedPixels() throws IOException {
        byte[] full = IdxFiles.images(0x803, 2, 2, 3, pixels);
        assertTrue(error(Arrays.copyOf(full, full.length - 5), IdxFiles.labels(0x801, 2, labelBytes))
                .contains("truncated"));
    }

    @Test
    void rejectsTruncatedGzip() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(0x803, 2, 2, 3, pixels));
        String msg = error(Arrays.copyOf(gz, gz.length - 12), IdxFiles.labels(0x801, 2, labelBytes));
        assertTrue(msg.contains("truncated") || msg.contains("corrupt"), msg);
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        assertTrue(error(new byte[] {0, 0, 8, 3, 0, 0}, IdxFiles.labels(0x801, 2, labelBytes)).contains("truncated"));
    }

    @Test
    void rejectsCountMismatch() throws IOException {
        String msg = error(IdxFiles.images(0x803, 2, 2, 3, pixels), IdxFiles.labels(0x801, 1, new byte[] {1}));
        assertTrue(msg.contains("2 images") && msg.contains("1 labels"), msg);
    }

    @Test
    void rejectsAbsurdImageSize() throws IOException {
        assertTrue(error(IdxFiles.images(0x803, 2, 100000, 3, pixels), IdxFiles.labels(0x801, 2, labelBytes))
                .contains("absurd"));
    }

    @Test
    void hugeClaimedCountFailsWithoutAllocatingIt() throws IOException {
        // 2^31-1 labels announced by a 10-byte file: must fail as truncated, not run out of memory.
        Path l = lab(IdxFiles.labels(0x801, Integer.MAX_VALUE, labelBytes));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(l, 10));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("absurd"), e.getMessage());
        Path i = img(IdxFiles.images(0x803, 2_000_000, 4096, 4096, pixels));
        Path l2 = lab(IdxFiles.labels(0x801, 2, labelBytes));
        DatasetFormatException e2 = assertThrows(DatasetFormatException.class, () -> IdxReader.read(i, l2, 10));
        assertTrue(e2.getMessage().contains("images") || e2.getMessage().contains("absurd"), e2.getMessage());
    }

    @Test
    void rejectsLabelOutsideClasses() throws IOException {
        assertTrue(error(IdxFiles.images(0x803, 2, 2, 3, pixels), IdxFiles.labels(0x801, 2, new byte[] {1, 10}))
                .contains("label 10"));
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] full = IdxFiles.images(0x803, 2, 2, 3, pixels);
        assertTrue(error(Arrays.copyOf(full, full.length + 3), IdxFiles.labels(0x801, 2, labelBytes))
                .contains("trailing"));
    }

    @Test
    void rejectsGarbageGzip() throws IOException {
        byte[] garbage = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        error(garbage, IdxFiles.labels(0x801, 2, labelBytes));
    }

    @Test
    void rejectsMissingFile() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(dir.resolve("nope"), dir.resolve("nope2"), 10));
        assertTrue(e.getMessage().contains("nope"));
    }
}
