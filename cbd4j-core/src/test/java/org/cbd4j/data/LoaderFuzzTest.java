package org.cbd4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of the parsers of untrusted files (Jazzer). Property: any input either
 * loads or is rejected with the loader's own {@link DatasetFormatException}; any other exception
 * (or an OutOfMemoryError from trusting a header) is a finding.
 *
 * <p>Under {@code mvn test} each target replays its seed inputs (regression mode); with
 * {@code JAZZER_FUZZ=1} and {@code -Dtest=LoaderFuzzTest#name} it fuzzes for {@code maxDuration}
 * (.ci/run does that for every target).
 */
class LoaderFuzzTest {

    private static Path write(String name, byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("cbd4j-fuzz");
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }

    private static void cleanup(Path... files) throws IOException {
        for (Path f : files) {
            Files.deleteIfExists(f);
            Files.deleteIfExists(f.getParent());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void idxLabels(byte[] data) throws IOException {
        Path l = write("labels", data);
        try {
            int[] labels = IdxReader.readLabels(l, 10);
            if (labels.length > data.length) {
                throw new AssertionError("more labels than bytes in the file");
            }
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        } finally {
            cleanup(l);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void idxImages(byte[] data) throws IOException {
        // A matching label file for the count the header claims (capped), so the fuzzer reaches
        // the pixel checks instead of stopping at the count comparison.
        int claimed = data.length >= 8 ? java.nio.ByteBuffer.wrap(data, 4, 4).getInt() : 0;
        int n = Math.max(0, Math.min(claimed, 4096));
        java.nio.ByteBuffer lab = java.nio.ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        Path l = write("labels", lab.array());
        Path i = write("images", data);
        try {
            ImageDataset d = IdxReader.read(i, l, 10);
            if (d.size() * d.imageSize() > data.length * 1100L) {
                throw new AssertionError("loaded more pixels than even a gzip file could hold");
            }
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        } finally {
            cleanup(l, i);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void cifarBinary(byte[] data) throws IOException {
        Path f = write("data_batch_1.bin", data);
        try {
            CifarBinaryReader.read(List.of(f));
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        } finally {
            cleanup(f);
        }
    }

    @FuzzTest(maxDuration = "15s")
    void gtsrbCsv(byte[] data) {
        try {
            for (GtsrbReader.Row r : GtsrbReader.parseCsv(Path.of("GT.csv"), data)) {
                // Unsafe: anything that resolves outside the CSV's directory ("a..b" is just a name).
                Path dir = Path.of("/gtsrb/00000");
                if (!dir.resolve(r.filename()).normalize().getParent().equals(dir) || r.classId() >= GtsrbReader.CLASSES) {
                    throw new AssertionError("accepted an unsafe row " + r);
                }
            }
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        }
    }

    @FuzzTest(maxDuration = "15s")
    void imageDecode(byte[] data) {
        try {
            DecodedImage img = ImageDecoder.decode(Path.of("x"), data);
            if ((long) img.width() * img.height() > ImageDecoder.MAX_PIXELS) {
                throw new AssertionError("decoded an image above the pixel limit");
            }
            img.resized(8, 3, new byte[3 * 64], 0);
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        }
    }

    /**
     * A folder built from the input: each chunk separated by a 0xFF byte becomes one file; its
     * first byte picks the class folder and the extension, the rest is the file's content.
     */
    @FuzzTest(maxDuration = "15s")
    void imageFolder(byte[] data) throws IOException {
        Path root = Files.createTempDirectory("cbd4j-fuzz-folder");
        String[] ext = {"png", "jpg", "bmp", "ppm", "txt", "PNG"};
        try {
            int start = 0;
            int n = 0;
            for (int i = 0; i <= data.length && n < 8; i++) {
                if (i == data.length || data[i] == (byte) 0xFF) {
                    if (i > start) {
                        int pick = data[start] & 0x7F;
                        Path dir = Files.createDirectories(root.resolve("c" + (pick % 3)));
                        Files.write(dir.resolve("f" + n + "." + ext[(pick / 3) % ext.length]),
                                java.util.Arrays.copyOfRange(data, start + 1, i));
                        n++;
                    }
                    start = i + 1;
                }
            }
            boolean skip = data.length > 0 && (data[0] & 1) == 1;
            ImageFolderReader.Result r = ImageFolderReader.read(root, 8, 1 + 2 * (data.length % 2), skip);
            if (r.images().size() + r.skipped().size() > n) {
                throw new AssertionError("more images than files");
            }
        } catch (DatasetFormatException expected) {
            // the loader's own clear error
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
