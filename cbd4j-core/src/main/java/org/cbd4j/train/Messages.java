package org.cbd4j.train;

/**
 * Where the library's progress lines go. Outside an experiment they go to stderr; while
 * {@code Experiment.run} works, to its listener (so a Java caller that passes a silent listener
 * sees nothing, and the CLI's listener prints them). Per thread, because a run trains on the
 * thread that started it.
 */
public final class Messages {

    /** Receives progress lines. */
    public interface Sink {
        void line(String text);

        /** Whether a live progress bar may be drawn (the sink is an interactive stderr). */
        default boolean terminal() {
            return false;
        }
    }

    private static final Sink STDERR = new Sink() {
        @Override
        public void line(String text) {
            System.err.println(text);
        }

        @Override
        public boolean terminal() {
            return true;
        }
    };

    private static final ThreadLocal<Sink> CURRENT = ThreadLocal.withInitial(() -> STDERR);

    private Messages() {}

    /** Sends one line to the current sink. */
    public static void say(String text) {
        CURRENT.get().line(text);
    }

    /** {@link String#format} in the root locale, then {@link #say}. */
    public static void sayf(String format, Object... args) {
        say(String.format(java.util.Locale.ROOT, format, args));
    }

    /** Whether the current sink may show a live progress bar. */
    public static boolean terminal() {
        return CURRENT.get().terminal();
    }

    /** Makes {@code sink} current on this thread and returns the one it replaces (restore it after). */
    public static Sink use(Sink sink) {
        Sink before = CURRENT.get();
        CURRENT.set(sink == null ? STDERR : sink);
        return before;
    }
}
