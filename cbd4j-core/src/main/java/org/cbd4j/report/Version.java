package org.cbd4j.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The cbd4j version from the jar manifest (the development version when run from classes), and the
 * git commit the classes were built from (written into {@code org/cbd4j/git.properties} by the
 * build, see cbd4j-core/pom.xml).
 */
public final class Version {

    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /**
     * The abbreviated commit the build saw, with {@code -dirty} when its work tree had uncommitted
     * changes, or {@code unknown} when it was built outside a git checkout.
     */
    public static String commit() {
        return commitOf(Version.class.getResourceAsStream("/org/cbd4j/git.properties"));
    }

    static String commitOf(InputStream in) {
        if (in == null) {
            return "unknown";
        }
        Properties p = new Properties();
        try (in) {
            p.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        String id = p.getProperty("git.commit.id.abbrev", "").trim();
        if (id.isEmpty()) {
            return "unknown";
        }
        return Boolean.parseBoolean(p.getProperty("git.dirty", "false")) ? id + "-dirty" : id;
    }
}
