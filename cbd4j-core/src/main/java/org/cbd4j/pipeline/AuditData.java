package org.cbd4j.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.cbd4j.data.Checksums;
import org.cbd4j.data.ClassNames;
import org.cbd4j.data.DataSource;
import org.cbd4j.data.DatasetFormatException;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageFolderReader;
import org.cbd4j.data.TrainTestSplit;

/**
 * The images an audit scores, and the rest of the dataset, which it keeps as it is.
 *
 * <p>A folder without {@code train/} and {@code test/} is audited whole: an audit needs no held-out
 * images (CBD never looks at the test set), and every file should be scored. A folder with them,
 * and every other dataset, is audited in its training split; its test split is {@code rest},
 * copied unchanged into an export.
 *
 * @param audited the images scored, each with its source id
 * @param rest the dataset's test split, or null when the whole folder is audited
 * @param source where the bytes came from (and the loader's file hashes)
 * @param classNames the name of each label
 * @param digest for images read from their own files (folder, GTSRB): how many and one SHA-256
 *     over them ({@link #digest}); empty otherwise (the loader hashed the files)
 */
record AuditData(ImageDataset audited, ImageDataset rest, DataSource source, List<String> classNames,
        Map<String, Object> digest) {

    /** Loads what {@code cfg} names, applying {@code --limit-train} to the audited images. */
    static AuditData load(AuditConfig cfg, ExperimentListener listener) throws IOException {
        DataSetup d = cfg.cbd().data();
        long seed = cfg.seed();
        long t0 = System.nanoTime();
        ImageDataset audited;
        ImageDataset rest;
        DataSource source;
        Path dir = d.dir() == null ? null : Path.of(d.dir());
        if ("folder".equals(d.dataset())) {
            if (dir == null) {
                throw new IllegalArgumentException("--dataset folder needs --data DIR laid out as DIR/<class>/<images>");
            }
            source = new DataSource("folder", dir.toAbsolutePath().toString(), "--data", Map.of());
            if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
                TrainTestSplit split = Experiment.loadData(d.dataset(), d.dir(), seed, d.decoding(), ExperimentListener.SILENT);
                audited = split.train();
                rest = split.test();
            } else {
                audited = ImageFolderReader.read(dir, d.imageSize(), d.channels(), d.skipUnreadable()).images();
                rest = null;
            }
        } else {
            TrainTestSplit split = Experiment.loadData(d.dataset(), d.dir(), seed, d.decoding(), ExperimentListener.SILENT);
            audited = split.train();
            rest = split.test();
            source = split.source();
        }
        if (d.limitTrain() > 0) {
            audited = audited.subset(d.limitTrain(), seed);
        }
        Path location = Path.of(source.location());
        List<String> names = ClassNames.of(d.dataset(), "folder".equals(d.dataset()) ? dir : null, audited.numClasses());
        Map<String, Object> digest = List.of("folder", "gtsrb").contains(d.dataset()) ? digest(location, audited)
                : Map.of();
        listener.message(String.format(Locale.ROOT, "cbd4j: loaded %s: %d images to audit%s, %dx%dx%d, %d classes, in %.2f s",
                d.dataset(), audited.size(), rest == null ? " (the whole folder)" : " (its training split; "
                        + rest.size() + " test images kept as they are)", audited.channels(), audited.height(),
                audited.width(), audited.numClasses(), (System.nanoTime() - t0) / 1e9));
        return new AuditData(audited, rest, source, names, digest);
    }

    /** The test split, or an empty set of the same shape (an attack builds its triggered set from it). */
    ImageDataset restOrEmpty() {
        if (rest != null) {
            return rest;
        }
        return new ImageDataset(new byte[0], new int[0], audited.channels(), audited.height(), audited.width(),
                audited.numClasses(), new String[0]);
    }

    /**
     * One SHA-256 over the audited image files: of the lines {@code <sha256 of the file>  <path>}
     * (sha256sum's format, path relative to the data directory as in {@code source}), sorted by
     * path in byte order, each ending in a newline. In the data directory,
     * {@code LC_ALL=C sort -k2 | sha256sum} over sha256sum's lines of the same files gives it.
     */
    static Map<String, Object> digest(Path root, ImageDataset images) throws IOException {
        TreeMap<String, String> lines = new TreeMap<>();
        for (int i = 0; i < images.size(); i++) {
            String s = images.source(i);
            if (s == null) {
                throw new DatasetFormatException(root, "image " + i + " has no source file to hash");
            }
            lines.computeIfAbsent(s, k -> {
                try {
                    return Checksums.sha256(root.resolve(k));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        StringBuilder sb = new StringBuilder();
        lines.forEach((path, sha) -> sb.append(sha).append("  ").append(path).append('\n'));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", lines.size());
        m.put("sha256", Checksums.sha256(sb.toString().getBytes(StandardCharsets.UTF_8)));
        m.put("rule", "sha256 of the lines '<sha256 of the file>  <path>' (sha256sum's format), one per audited image "
                + "file, sorted by path in byte order");
        return m;
    }
}
