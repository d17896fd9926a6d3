package org.cbd4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of a dataset's classes, label i being the i-th: the published names of Fashion-MNIST
 * and CIFAR-10, the digits of MNIST, GTSRB's class folder numbers, an image folder's class
 * folder names (sorted, as {@link ImageFolderReader} labels them) and {@code class-i} otherwise.
 */
public final class ClassNames {

    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private ClassNames() {}

    /**
     * Names for {@code numClasses} classes of dataset {@code name} read from {@code dataDir} (only
     * used by folder datasets; null otherwise). A list that does not have {@code numClasses}
     * entries (a folder changed since training) is replaced by {@code class-i} names.
     */
    public static List<String> of(String name, Path dataDir, int numClasses) throws IOException {
        List<String> names = switch (name) {
            case "fashion-mnist" -> FASHION_MNIST;
            case "cifar10" -> CIFAR10;
            case "mnist" -> numbered(numClasses, "%d");
            case "gtsrb" -> numbered(numClasses, "%05d");
            case "folder" -> dataDir == null ? List.of() : ImageFolderReader.classNames(
                    Files.isDirectory(dataDir.resolve("train")) && Files.isDirectory(dataDir.resolve("test"))
                            ? dataDir.resolve("train") : dataDir);
            default -> List.of();
        };
        return names.size() == numClasses ? names : numbered(numClasses, "class-%d");
    }

    private static List<String> numbered(int n, String format) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(String.format(java.util.Locale.ROOT, format, i));
        }
        return out;
    }
}
