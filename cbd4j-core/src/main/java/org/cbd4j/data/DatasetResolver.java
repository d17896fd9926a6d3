package org.cbd4j.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.train.Messages;

/**
 * Turns a dataset name into images: an explicit {@code --data DIR} first, then the copy a Debian
 * package installs, then a checksum-verified download into the cache directory; for
 * Fashion-MNIST, as a last resort on a Debian machine run as root, the Debian package itself.
 */
public final class DatasetResolver {

    /** Names accepted by {@code --dataset}. */
    public static final List<String> NAMES = List.of("fashion-mnist", "mnist", "cifar10", "gtsrb", "folder", "synthetic");

    /** Share of each class a folder without train/ and test/ sub-folders keeps for testing. */
    static final double FOLDER_TEST_SHARE = 0.2;

    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final String FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /**
     * SHA-256 of each file's decompressed content, measured on Debian's dataset-fashion-mnist
     * 0.0~git20200523.55506a9-1 (Debian re-gzips the files, so hashes are taken on content).
     */
    static final Map<String, String> FASHION_MNIST_FILES = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final Path cacheDir;
    private final String fashionMnistUrl;
    private final boolean allowInstall;
    private final Path debianDir;
    private final Map<String, String> fashionFiles;
    private String cifarUrl = CifarArchive.URL;
    private String cifarMd5 = CifarArchive.MD5;

    /** A resolver with the defaults for this machine (cache under ~/.cache/cbd4j, env overrides). */
    public static DatasetResolver defaults() {
        String cache = System.getenv("CBD4J_CACHE");
        Path dir = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "cbd4j");
        String url = System.getenv().getOrDefault("CBD4J_FASHION_MNIST_URL", FASHION_MNIST_URL);
        return new DatasetResolver(dir, url, true, DEBIAN_FASHION_MNIST)
                .withCifar(System.getenv().getOrDefault("CBD4J_CIFAR10_URL", CifarArchive.URL), CifarArchive.MD5);
    }

    /**
     * What an application may do when Fashion-MNIST is neither found nor downloadable: install it
     * into {@link #DEBIAN_FASHION_MNIST} and say whether that worked. The library installs
     * nothing itself; the {@code cbd} command sets Debian's package manager here.
     */
    @FunctionalInterface
    public interface LastResort {
        boolean install(String why);
    }

    private static volatile LastResort lastResort;

    /** Sets the process-wide last resort (null: none, the default). */
    public static void setLastResort(LastResort r) {
        lastResort = r;
    }

    /**
     * A resolver with explicit locations (tests point these at temporary dirs and 127.0.0.1).
     *
     * @param allowInstall whether the {@link LastResort}, if one is set, may be used
     */
    public DatasetResolver(Path cacheDir, String fashionMnistUrl, boolean allowInstall, Path debianDir) {
        this(cacheDir, fashionMnistUrl, allowInstall, debianDir, FASHION_MNIST_FILES);
    }

    /** As above with the expected content hashes per file base name (tests serve generated files). */
    DatasetResolver(Path cacheDir, String fashionMnistUrl, boolean allowInstall, Path debianDir,
            Map<String, String> fashionFiles) {
        this.fashionFiles = fashionFiles;
        this.cacheDir = cacheDir;
        this.fashionMnistUrl = fashionMnistUrl.endsWith("/") ? fashionMnistUrl : fashionMnistUrl + "/";
        this.allowInstall = allowInstall;
        this.debianDir = debianDir;
    }

    /** Where CIFAR-10 is downloaded from and the MD5 its archive must have (tests serve their own). */
    DatasetResolver withCifar(String url, String md5) {
        this.cifarUrl = url;
        this.cifarMd5 = md5;
        return this;
    }

    /**
     * Loads a dataset by name.
     *
     * @param dataDir an explicit directory, or null to search the usual places
     * @param seed used only by generated datasets
     */
    public TrainTestSplit load(String name, Path dataDir, long seed) throws IOException {
        return load(name, dataDir, seed, DataOptions.DEFAULTS);
    }

    /** As {@link #load(String, Path, long)} with the options of decoded-image datasets. */
    public TrainTestSplit load(String name, Path dataDir, long seed, DataOptions options) throws IOException {
        switch (name) {
            case "fashion-mnist":
                return loadFashionMnist(dataDir);
            case "mnist":
                if (dataDir == null || !hasIdxFiles(dataDir)) {
                    throw new IllegalArgumentException("--dataset mnist needs --data DIR holding train-images-idx3-ubyte[.gz], "
                            + "train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]");
                }
                return readIdx("mnist", dataDir, "--data");
            case "gtsrb":
                if (dataDir == null) {
                    throw new IllegalArgumentException("--dataset gtsrb needs --data DIR holding Final_Training/Images "
                            + "and Final_Test/Images with GT-final_test.csv");
                }
                return GtsrbReader.read(dataDir, options.imageSize(),
                        new DataSource("gtsrb", dataDir.toAbsolutePath().toString(), "--data", Map.of()));
            case "folder":
                if (dataDir == null) {
                    throw new IllegalArgumentException("--dataset folder needs --data DIR laid out as DIR/<class>/<images>");
                }
                return loadFolder(dataDir, seed, options);
            case "cifar10":
                return loadCifar(dataDir);
            case "synthetic":
                return SyntheticImages.split(2000, 500, seed);
            default:
                throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    /** {@code DIR/train/<class>} and {@code DIR/test/<class>} if both exist, else a seeded per-class split. */
    private static TrainTestSplit loadFolder(Path dir, long seed, DataOptions o) throws IOException {
        DataSource source = new DataSource("folder", dir.toAbsolutePath().toString(), "--data", Map.of());
        if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
            ImageFolderReader.Result tr = ImageFolderReader.read(dir.resolve("train"), dir, o.imageSize(), o.channels(),
                    o.skipUnreadable());
            ImageFolderReader.Result te = ImageFolderReader.read(dir.resolve("test"), dir, o.imageSize(), o.channels(),
                    o.skipUnreadable());
            if (!tr.classes().equals(te.classes())) {
                throw new DatasetFormatException(dir, "train/ and test/ have different class folders: " + tr.classes()
                        + " vs " + te.classes());
            }
            return new TrainTestSplit(tr.images(), te.images(), source);
        }
        ImageDataset all = ImageFolderReader.read(dir, o.imageSize(), o.channels(), o.skipUnreadable()).images();
        int[][] parts = TrainTestSplit.stratified(all.labels(), all.numClasses(), FOLDER_TEST_SHARE, seed);
        return new TrainTestSplit(all.select(parts[0]), all.select(parts[1]), source);
    }

    /** The cached, extracted CIFAR-10 batches, downloading and extracting them first if needed. */
    private Path cifarCache() throws IOException {
        Path dir = cacheDir.resolve("cifar10");
        if (Files.isRegularFile(dir.resolve("test_batch.bin"))) {
            return dir;
        }
        Directories.deleteTree(dir); // an incomplete earlier copy
        Path archive = cacheDir.resolve("cifar-10-binary.tar.gz");
        try {
            Messages.say("cbd4j: downloading CIFAR-10 from " + cifarUrl);
            new Downloader(Duration.ofSeconds(60)).fetchMd5(URI.create(cifarUrl), archive, cifarMd5);
        } catch (IOException e) {
            throw new IOException("CIFAR-10 not cached and the download failed (" + e.getMessage()
                    + "); pass --data DIR with data_batch_1..5.bin and test_batch.bin", e);
        }
        CifarArchive.extract(archive, dir);
        Files.deleteIfExists(archive);
        return dir;
    }

    private TrainTestSplit loadCifar(Path dataDir) throws IOException {
        String origin = "--data";
        if (dataDir == null) {
            dataDir = cifarCache();
            origin = "download:" + cifarUrl;
        }
        List<Path> train = CifarBinaryReader.trainFiles(dataDir);
        Path test = dataDir.resolve("test_batch.bin");
        if (train.isEmpty() || !Files.exists(test)) {
            throw new DatasetFormatException(dataDir, "no CIFAR-10 binary files (data_batch_N.bin, test_batch.bin)");
        }
        ImageDataset tr = CifarBinaryReader.read(train);
        ImageDataset te = CifarBinaryReader.read(List.of(test));
        Map<String, String> sha = new LinkedHashMap<>();
        for (Path p : train) {
            sha.put(p.getFileName().toString(), Checksums.sha256(p));
        }
        sha.put(test.getFileName().toString(), Checksums.sha256(test));
        return new TrainTestSplit(tr, te, new DataSource("cifar10", dataDir.toAbsolutePath().toString(), origin, sha));
    }

    private TrainTestSplit loadFashionMnist(Path dataDir) throws IOException {
        if (dataDir != null) {
            if (!hasIdxFiles(dataDir)) {
                throw new DatasetFormatException(dataDir, "no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], ...)");
            }
            return readIdx("fashion-mnist", dataDir, "--data");
        }
        if (hasIdxFiles(debianDir)) {
            return readIdx("fashion-mnist", debianDir, "debian:" + DEBIAN_PACKAGE);
        }
        Path cached = cacheDir.resolve("fashion-mnist");
        IOException downloadError;
        try {
            download(cached);
            return readIdx("fashion-mnist", cached, "download:" + fashionMnistUrl);
        } catch (IOException e) {
            downloadError = e;
        }
        LastResort r = lastResort;
        if (allowInstall && r != null && r.install("no local copy of Fashion-MNIST and the download failed ("
                + downloadError.getMessage() + ")") && hasIdxFiles(debianDir)) {
            return readIdx("fashion-mnist", debianDir, "debian:" + DEBIAN_PACKAGE);
        }
        throw new IOException("Fashion-MNIST not found and download failed (" + downloadError.getMessage()
                + "); install it with: sudo apt-get install " + DEBIAN_PACKAGE + "  or pass --data DIR");
    }

    private void download(Path dir) throws IOException {
        Downloader d = new Downloader(Duration.ofSeconds(20));
        for (Map.Entry<String, String> f : fashionFiles.entrySet()) {
            String file = f.getKey() + ".gz";
            d.fetch(URI.create(fashionMnistUrl + file), dir.resolve(file), f.getValue());
        }
    }

    static Path idxFile(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        return Files.exists(gz) ? gz : dir.resolve(base);
    }

    static boolean hasIdxFiles(Path dir) {
        return dir != null && FASHION_MNIST_FILES.keySet().stream().allMatch(b -> Files.exists(idxFile(dir, b)));
    }

    private static TrainTestSplit readIdx(String name, Path dir, String origin) throws IOException {
        Path trImg = idxFile(dir, "train-images-idx3-ubyte");
        Path trLab = idxFile(dir, "train-labels-idx1-ubyte");
        Path teImg = idxFile(dir, "t10k-images-idx3-ubyte");
        Path teLab = idxFile(dir, "t10k-labels-idx1-ubyte");
        ImageDataset train = IdxReader.read(trImg, trLab, 10);
        ImageDataset test = IdxReader.read(teImg, teLab, 10);
        Map<String, String> sha = new LinkedHashMap<>();
        for (Path p : List.of(trImg, trLab, teImg, teLab)) {
            sha.put(p.getFileName().toString(), Checksums.contentSha256(p));
        }
        return new TrainTestSplit(train, test, new DataSource(name, dir.toAbsolutePath().toString(), origin, sha));
    }
}
