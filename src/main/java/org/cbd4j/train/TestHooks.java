package org.cbd4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes crash moments reachable for tests: when {@code CBD4J_TEST_PAUSE} names a point
 * ({@code batch:STAGE:EPOCH:BATCH} or {@code checkpoint:STAGE:EPOCH}, 1-based), the process writes
 * the file named by {@code CBD4J_TEST_MARKER} and sleeps there until it is killed. Unset in normal
 * use, when every call is a single string comparison.
 */
public final class TestHooks {

    private static final String PAUSE = System.getenv("CBD4J_TEST_PAUSE");

    private TestHooks() {}

    /** Called before batch {@code batch} (0-based) of an epoch. */
    public static void atBatch(String stage, int epoch, int batch) {
        if (PAUSE != null && PAUSE.equals("batch:" + stage + ":" + (epoch + 1) + ":" + (batch + 1))) {
            pause();
        }
    }

    /** Called in the middle of writing the checkpoint after {@code epoch} (0-based). */
    public static void inCheckpointWrite(String stage, int epoch) {
        if (PAUSE != null && PAUSE.equals("checkpoint:" + stage + ":" + (epoch + 1))) {
            pause();
        }
    }

    private static void pause() {
        try {
            Files.writeString(Path.of(System.getenv("CBD4J_TEST_MARKER")), "paused");
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("test hook failed", e);
        }
    }
}
