package org.cbd4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {

    @TempDir
    Path dir;

    private static byte[] record(int label, int seed) {
        byte[] r = new byte[3073];
        r[0] = (byte) label;
        for (int i = 1; i < r.length; i++) {
            r[i] = (byte) (i * 7 + seed);
        }
        return r;
    }

    @Test
    void readsRecordsInPlaneOrder() throws IOException {
        byte[] a = record(3, 1);
        byte[] b = record(9, 2);
        byte[] file = new byte[a.length * 2];
        System.arraycopy(a, 0, file, 0, a.length);
        System.arraycopy(b, 0, file, a.length, b.length);
        Files.write(dir.resolve("data_batch_1.bin"), file);
        ImageDataset d = CifarBinaryReader.read(CifarBinaryReader.trainFiles(dir));
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {3, 9}, d.labels());
        // Byte 1 + 1024 of a record is the first green pixel: channel 1, row 0, col 0.
        assertEquals(a[1 + 1024] & 0xFF, d.pixel(0, 1, 0, 0));
        // Last blue pixel of the second image.
        assertEquals(b[3072] & 0xFF, d.pixel(1, 2, 31, 31));
        assertArrayEquals(new String[] {"data_batch_1.bin#0", "data_batch_1.bin#1"}, d.sources());
    }

    @Test
    void sourceIdsNameTheBatchFileAndTheRecordInIt() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), record(1, 1));
        byte[] two = new byte[2 * CifarBinaryReader.RECORD];
        System.arraycopy(record(2, 2), 0, two, 0, CifarBinaryReader.RECORD);
        System.arraycopy(record(3, 3), 0, two, CifarBinaryReader.RECORD, CifarBinaryReader.RECORD);
        Files.write(dir.resolve("data_batch_2.bin"), two);
        ImageDataset d = CifarBinaryReader.read(CifarBinaryReader.trainFiles(dir));
        assertArrayEquals(new int[] {1, 2, 3}, d.labels());
        assertArrayEquals(new String[] {"data_batch_1.bin#0", "data_batch_2.bin#0", "data_batch_2.bin#1"}, d.sources());
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        ImageDataset d = SyntheticImages.generate(5, 3, 32, 32, 1);
        Path f = dir.resolve("test_batch.bin");
        CifarBinaryReader.write(d, f);
        ImageDataset back = CifarBinaryReader.read(List.of(f));
        assertArrayEquals(d.pixels(), back.pixels());
        assertArrayEquals(d.labels(), back.labels());
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, Arrays.copyOf(record(1, 1), 3000));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CifarBinaryReader.read(List.of(f)));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsEmptyFile() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, new byte[0]);
        assertThrows(DatasetFormatException.class, () -> CifarBinaryReader.read(List.of(f)));
    }

    @Test
    void rejectsLabelOutsideTenClasses() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, record(200, 1));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CifarBinaryReader.read(List.of(f)));
        assertTrue(e.getMessage().contains("label 200"), e.getMessage());
    }

    @Test
    void rejectsMissingFile() {
        assertThrows(DatasetFormatException.class, () -> CifarBinaryReader.read(List.of(dir.resolve("x.bin"))));
    }
}
