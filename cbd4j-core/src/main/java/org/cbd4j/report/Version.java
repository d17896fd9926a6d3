package org.cbd4j.report;

/** The cbd4j version from the jar manifest, or the development version when run from classes. */
public final class Version {

    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
