package org.cbd4j.train;

/**
 * The moments where a run can be stopped on purpose, so that resuming can be tested against real
 * crashes: before each batch and in the middle of writing a checkpoint. The library does nothing
 * there unless an application installs a {@link Probe}; the {@code cbd} command installs one only
 * when its test environment asks for it.
 */
public final class CrashPoints {

    /** Told each time training passes a crash point, named {@code batch:STAGE:EPOCH:BATCH} or {@code checkpoint:STAGE:EPOCH} (1-based). */
    @FunctionalInterface
    public interface Probe {
        void reached(String point);
    }

    private static volatile Probe probe;

    private CrashPoints() {}

    /** Installs {@code p} for the whole process (null removes it). */
    public static void install(Probe p) {
        probe = p;
    }

    /** Called before batch {@code batch} (0-based) of an epoch. */
    public static void atBatch(String stage, int epoch, int batch) {
        Probe p = probe;
        if (p != null) {
            p.reached("batch:" + stage + ":" + (epoch + 1) + ":" + (batch + 1));
        }
    }

    /** Called in the middle of writing the checkpoint after {@code epoch} (0-based). */
    public static void inCheckpointWrite(String stage, int epoch) {
        Probe p = probe;
        if (p != null) {
            p.reached("checkpoint:" + stage + ":" + (epoch + 1));
        }
    }
}
