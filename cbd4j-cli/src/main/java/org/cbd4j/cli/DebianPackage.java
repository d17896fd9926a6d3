package org.cbd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbd4j.data.DatasetResolver;

/**
 * The {@code cbd} command's last resort for Fashion-MNIST: as root on Debian, install the
 * {@code dataset-fashion-mnist} package with apt-get (saying so), unless {@code CBD4J_ALLOW_APT=0}.
 * Lives in the CLI because a library should not install system packages.
 */
final class DebianPackage {

    static final String FASHION_MNIST = "dataset-fashion-mnist";

    private DebianPackage() {}

    /** Sets this as {@link DatasetResolver}'s last resort when it can work here. */
    static void installAsLastResort() {
        boolean allowed = !"0".equals(System.getenv("CBD4J_ALLOW_APT"));
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (allowed && usable) {
            DatasetResolver.setLastResort(DebianPackage::install);
        }
    }

    private static boolean install(String why) {
        System.err.println("cbd4j: " + why + "; installing Debian package " + FASHION_MNIST);
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get install -y -q " + FASHION_MNIST
                    + " || (apt-get update -q && apt-get install -y -q " + FASHION_MNIST + ")")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
