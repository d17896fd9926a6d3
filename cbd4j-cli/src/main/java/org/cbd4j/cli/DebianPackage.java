package org.cbd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbd4j.data.DatasetResolver;

/**
 * Installing a missing Debian package as a last resort: as root on Debian, with apt-get (saying
 * so on stderr), unless {@code CBD4J_ALLOW_APT=0}. The {@code cbd} command uses it for
 * {@code dataset-fashion-mnist}, the browser test of the HTML report for {@code chromium}. Lives in
 * the CLI because a library should not install system packages.
 */
final class DebianPackage {

    static final String FASHION_MNIST = "dataset-fashion-mnist";

    private DebianPackage() {}

    /** Sets the Fashion-MNIST package as {@link DatasetResolver}'s last resort when it can work here. */
    static void installAsLastResort() {
        if (installable()) {
            DatasetResolver.setLastResort(why -> install(FASHION_MNIST, why));
        }
    }

    /** Whether installing is allowed ({@code CBD4J_ALLOW_APT} is not 0) and possible (root, apt-get). */
    static boolean installable() {
        boolean allowed = !"0".equals(System.getenv("CBD4J_ALLOW_APT"));
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"));
        return allowed && usable;
    }

    /**
     * Installs {@code pkg}, first from the package lists at hand and, when that fails, after
     * {@code apt-get update}; apt's output goes to this process's output.
     *
     * @param why what is missing, said on stderr before installing
     * @return whether apt-get succeeded
     */
    static boolean install(String pkg, String why) {
        System.err.println("cbd4j: " + why + "; installing Debian package " + pkg);
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get install -y -q " + pkg
                    + " || (apt-get update -q && apt-get install -y -q " + pkg + ")")
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
