package org.cbd4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.cbd4j.train.Messages;

/**
 * A folder of images, {@code root/<class-name>/<image files>} (docs/METHOD.md §5): classes are the
 * sub-directories sorted by name, images PNG, JPEG, BMP or PPM (by extension, case-insensitive;
 * other files are ignored), each resized to {@code size x size} with 1 or 3 channels.
 * An image that cannot be decoded fails the load, or with {@code skipUnreadable} is reported on
 * stderr by path and counted.
 */
public final class ImageFolderReader {

    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "ppm", "pgm");

    /** The images read and what was skipped. */
    public record Result(ImageDataset images, List<String> classes, List<String> skipped) {}

    private ImageFolderReader() {}

    /**
     * Reads {@code root}; symbolic links are not followed, so a folder cannot point outside itself.
     * Each image's source id is its path relative to {@code root}.
     */
    public static Result read(Path root, int size, int channels, boolean skipUnreadable) throws IOException {
        return read(root, root, size, channels, skipUnreadable);
    }

    /**
     * As {@link #read(Path, int, int, boolean)}, with source ids relative to {@code base} (the data
     * directory when {@code root} is its {@code train/} or {@code test/}), '/'-separated.
     */
    public static Result read(Path root, Path base, int size, int channels, boolean skipUnreadable) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image folder channels must be 1 or 3, got " + channels);
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "is not a directory of class folders");
        }
        List<Path> classDirs = classDirs(root);
        if (classDirs.isEmpty()) {
            throw new DatasetFormatException(root, "has no class folders (expected root/<class>/<images>)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(ImageFolderReader::isImage)
                        .sorted().toList()) {
                    files.add(f);
                    labelList.add(label);
                }
            }
        }
        int plane = channels * size * size;
        List<byte[]> decoded = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        List<String> keptSources = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                byte[] px = new byte[plane];
                ImageDecoder.decode(f, Files.readAllBytes(f)).resized(size, channels, px, 0);
                decoded.add(px);
                kept.add(labelList.get(i));
                keptSources.add(sourceId(base, f));
            } catch (DatasetFormatException e) {
                if (!skipUnreadable) {
                    throw new DatasetFormatException(f, "unreadable image (" + e.getMessage().substring(f.toString().length() + 2)
                            + "); pass --skip-unreadable to skip such files");
                }
                Messages.say("cbd4j: skipping unreadable image " + e.getMessage());
                skipped.add(f.toString());
            }
        }
        if (decoded.isEmpty()) {
            throw new DatasetFormatException(root, "holds no readable images (" + skipped.size() + " skipped)");
        }
        byte[] pixels = new byte[Math.multiplyExact(decoded.size(), plane)];
        int[] labels = new int[decoded.size()];
        for (int i = 0; i < decoded.size(); i++) {
            System.arraycopy(decoded.get(i), 0, pixels, i * plane, plane);
            labels[i] = kept.get(i);
        }
        if (!skipped.isEmpty()) {
            Messages.say("cbd4j: skipped " + skipped.size() + " unreadable image(s) under " + root);
        }
        return new Result(new ImageDataset(pixels, labels, channels, size, size, classes.size(),
                keptSources.toArray(new String[0])), classes, skipped);
    }

    /** The class folders of {@code root}, sorted by name: label i is the i-th. */
    static List<Path> classDirs(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** The class names {@link #read} gives {@code root}'s labels: its class folders' names, sorted. */
    public static List<String> classNames(Path root) throws IOException {
        return classDirs(root).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** {@code file}'s path relative to {@code base}, '/'-separated on every platform. */
    static String sourceId(Path base, Path file) {
        Path rel = base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
    }

    /** Whether {@code f} has an image file extension this reader takes (case-insensitive). */
    public static boolean isImage(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
