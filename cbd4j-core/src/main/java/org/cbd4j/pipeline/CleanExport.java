package org.cbd4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cbd4j.data.CifarBinaryReader;
import org.cbd4j.data.DatasetWriter;
import org.cbd4j.data.Directories;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageEncoder;

/**
 * {@code --export-clean DIR}: the audited data without the flagged samples, in the dataset's own
 * layout, so the reader that read it reads the copy ({@code --dataset} and {@code --data DIR}):
 * <ul>
 *   <li>{@code folder}: the original files copied to the same relative paths, every class folder
 *       kept (also when all its images were flagged); {@code test/} of a split folder copied whole;
 *   <li>{@code fashion-mnist}, {@code mnist}: gzip IDX {@code train-*} files of the kept images, the
 *       {@code t10k-*} files copied;
 *   <li>{@code cifar10}: each {@code data_batch_N.bin} with its kept records in order (a batch left
 *       empty is not written), {@code test_batch.bin} copied.
 * </ul>
 * A sample a simulated attack changed is written as the audit saw it: IDX and CIFAR records are
 * written from pixels anyway; in a folder it becomes {@code <class of its label>/<name>-attacked.png}
 * next to the copied files. Everything is written into a hidden sibling directory renamed into
 * place at the end; a failure leaves nothing.
 */
final class CleanExport {

    /** Datasets whose layout an export writes. */
    static final List<String> DATASETS = List.of("folder", "fashion-mnist", "mnist", "cifar10");

    private CleanExport() {}

    /** Refuses, in one line, a dataset whose layout cannot be written back. */
    static void checkSupported(String dataset) {
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("--export-clean writes folder, fashion-mnist, mnist and cifar10 data in "
                    + "their own layouts; --dataset " + dataset + " is not one of them");
        }
    }

    /**
     * Writes the export.
     *
     * @param data the dataset as read
     * @param seen the audited images as the audit saw them (with a simulated attack: poisoned)
     * @param flagged per audited image, whether it is left out
     * @return the number of audited images written
     */
    static int write(String dataset, AuditData data, ImageDataset seen, boolean[] flagged, Path target, boolean force)
            throws IOException {
        Path parent = target.toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createDirectory(parent.resolve("." + target.getFileName() + ".writing-"
                + ProcessHandle.current().pid()));
        int written;
        try {
            Path root = Path.of(data.source().location());
            written = switch (dataset) {
                case "folder" -> folder(root, data, seen, flagged, tmp);
                case "cifar10" -> cifar(root, seen, flagged, tmp);
                default -> idx(root, seen, flagged, tmp);
            };
            if (force) {
                Directories.deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Directories.deleteTree(tmp);
            throw e;
        }
        return written;
    }

    private static int[] kept(boolean[] flagged) {
        return java.util.stream.IntStream.range(0, flagged.length).filter(i -> !flagged[i]).toArray();
    }

    private static int folder(Path root, AuditData data, ImageDataset seen, boolean[] flagged, Path tmp)
            throws IOException {
        ImageDataset original = data.audited();
        String split = data.rest() == null ? "" : "train/";
        for (String name : data.classNames()) {
            Files.createDirectories(tmp.resolve(split + name));
            if (data.rest() != null) {
                Files.createDirectories(tmp.resolve("test/" + name));
            }
        }
        int n = 0;
        for (int i : kept(flagged)) {
            String source = original.source(i);
            if (unchanged(original, seen, i)) {
                copy(root.resolve(source), tmp.resolve(source));
            } else {
                String file = Path.of(source).getFileName().toString();
                String stem = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
                Path dir = tmp.resolve(split + data.classNames().get(seen.label(i)));
                Path png = dir.resolve(stem + "-attacked.png");
                if (Files.exists(png)) {
                    png = dir.resolve(String.format(Locale.ROOT, "%s-attacked-%d.png", stem, i));
                }
                byte[] px = new byte[seen.imageSize()];
                seen.copyImage(i, px, 0);
                Files.write(png, ImageEncoder.png(px, 0, seen.channels(), seen.height(), seen.width()));
            }
            n++;
        }
        if (data.rest() != null) {
            for (int i = 0; i < data.rest().size(); i++) {
                copy(root.resolve(data.rest().source(i)), tmp.resolve(data.rest().source(i)));
            }
        }
        return n;
    }

    private static boolean unchanged(ImageDataset original, ImageDataset seen, int i) {
        if (original.label(i) != seen.label(i)) {
            return false;
        }
        byte[] a = new byte[original.imageSize()];
        byte[] b = new byte[seen.imageSize()];
        original.copyImage(i, a, 0);
        seen.copyImage(i, b, 0);
        return Arrays.equals(a, b);
    }

    private static int idx(Path root, ImageDataset seen, boolean[] flagged, Path tmp) throws IOException {
        int[] keep = kept(flagged);
        DatasetWriter.write("idx", seen.select(keep), tmp, "train");
        for (String base : List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Path gz = root.resolve(base + ".gz");
            Path from = Files.exists(gz) ? gz : root.resolve(base);
            copy(from, tmp.resolve(from.getFileName().toString()));
        }
        return keep.length;
    }

    private static int cifar(Path root, ImageDataset seen, boolean[] flagged, Path tmp) throws IOException {
        Map<String, List<Integer>> byFile = new LinkedHashMap<>();
        for (int i : kept(flagged)) {
            String s = seen.source(i);
            String file = s != null && s.contains("#") ? s.substring(0, s.indexOf('#')) : "data_batch_1.bin";
            byFile.computeIfAbsent(file, k -> new ArrayList<>()).add(i);
        }
        int n = 0;
        for (Map.Entry<String, List<Integer>> e : byFile.entrySet()) {
            int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            CifarBinaryReader.write(seen.select(idx), tmp.resolve(e.getKey()));
            n += idx.length;
        }
        copy(root.resolve("test_batch.bin"), tmp.resolve("test_batch.bin"));
        return n;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
