package org.cbd4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Safe extraction of the CIFAR-10 binary archive ({@code cifar-10-binary.tar.gz}): only the known
 * CIFAR files are written, flattened into the target directory; an entry whose path is absolute, climbs
 * with {@code ..} or is a link refuses the whole archive, as does a member larger than
 * {@link #MAX_MEMBER}. The files go to a temporary sibling that is renamed into place at the end,
 * so a failed extraction leaves nothing behind.
 */
public final class CifarArchive {

    /** The official archive and its MD5, as published on https://www.cs.toronto.edu/~kriz/cifar.html */
    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    /** The files of the archive that are extracted; others are skipped. */
    static final java.util.regex.Pattern MEMBERS =
            java.util.regex.Pattern.compile("data_batch_[1-5]\\.bin|test_batch\\.bin|batches\\.meta\\.txt|readme\\.html");

    /** Each batch is 30,730,000 bytes; anything far larger is not CIFAR. */
    static final long MAX_MEMBER = 64L << 20;

    private CifarArchive() {}

    /** Extracts the regular files of {@code archive} into {@code target} (which must not exist yet). */
    public static void extract(Path archive, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".extracting");
        Directories.deleteTree(tmp);
        Files.createDirectories(tmp);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            Set<String> seen = new HashSet<>();
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                if (name.startsWith("/") || name.contains("\\") || Path.of(name).normalize().startsWith("..")
                        || Path.of(name).isAbsolute() || name.contains("/../") || name.startsWith("../")) {
                    throw new DatasetFormatException(archive, "entry '" + name + "' would land outside the target directory");
                }
                if (e.isSymbolicLink() || e.isLink()) {
                    throw new DatasetFormatException(archive, "entry '" + name + "' is a link; refused");
                }
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.isFile()) {
                    throw new DatasetFormatException(archive, "entry '" + name + "' is not a regular file; refused");
                }
                if (e.getSize() > MAX_MEMBER) {
                    throw new DatasetFormatException(archive, "entry '" + name + "' is " + e.getSize() + " bytes; too large");
                }
                String base = Path.of(name).getFileName().toString();
                if (!MEMBERS.matcher(base).matches()) {
                    continue; // only the known CIFAR files are written
                }
                if (!seen.add(base)) {
                    throw new DatasetFormatException(archive, "holds '" + base + "' twice");
                }
                Files.copy(tar, tmp.resolve(base), StandardCopyOption.REPLACE_EXISTING);
            }
            if (!seen.contains("test_batch.bin") || !seen.contains("data_batch_1.bin")) {
                throw new DatasetFormatException(archive, "holds no CIFAR-10 batches (data_batch_1.bin, test_batch.bin)");
            }
        } catch (IOException e) {
            Directories.deleteTree(tmp);
            if (e instanceof DatasetFormatException) {
                throw e;
            }
            throw new DatasetFormatException(archive, "not a readable tar.gz archive (" + e.getMessage() + ")");
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

}
