package org.cbd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbd4j.train.CrashPoints;

/**
 * Lets the resume tests kill a real {@code cbd} process at an exact moment: when
 * {@code CBD4J_TEST_PAUSE} names a crash point ({@code batch:STAGE:EPOCH:BATCH} or
 * {@code checkpoint:STAGE:EPOCH}, 1-based), the process writes the file named by
 * {@code CBD4J_TEST_MARKER} there and sleeps until it is killed. Installed by {@link Main#main}
 * only when the variable is set; the library never reads it.
 */
final class PauseAtCrashPoint implements CrashPoints.Probe {

    private final String point;
    private final Path marker;

    private PauseAtCrashPoint(String point, Path marker) {
        this.point = point;
        this.marker = marker;
    }

    /** Installs the probe when the environment asks for one. */
    static void installFromEnvironment() {
        String point = System.getenv("CBD4J_TEST_PAUSE");
        String marker = System.getenv("CBD4J_TEST_MARKER");
        if (point != null && marker != null) {
            CrashPoints.install(new PauseAtCrashPoint(point, Path.of(marker)));
        }
    }

    @Override
    public void reached(String at) {
        if (!point.equals(at)) {
            return;
        }
        try {
            Files.writeString(marker, "paused");
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("test pause failed", e);
        }
    }
}
