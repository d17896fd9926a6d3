package org.cbd4j.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of the {@code cbd} command. */
@Command(
        name = "cbd",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Train backdoor-free image classifiers from possibly poisoned data (CBD, CVPR 2023).",
        footer = {"", "JVM options (heap): the ./cbd launcher passes -Xmx3g; override with CBD4J_JAVA_OPTS, "
                + "e.g. CBD4J_JAVA_OPTS=-Xmx2g ./cbd train ...", "Exit codes: 0 success, 1 failure, 2 bad usage."},
        subcommands = {QuickstartCommand.class})
public final class Main implements Runnable {

    /** Exit code for bad usage (unknown names, values out of range). */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (quickstart, train, poison, audit, eval, predict, report, bench, bench-speed, list)");
    }

    public static void main(String[] args) {
        // With 2 cores, PyTorch's default of 2 inter-op threads oversubscribes (+50 % measured).
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        PauseAtCrashPoint.installFromEnvironment();
        DebianPackage.installAsLastResort();
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // train and poison get their options from the method declarations, so they are built here.
        cl.addSubcommand("train", TrainCommand.commandLine());
        cl.addSubcommand("poison", PoisonCommand.commandLine());
        cl.addSubcommand("audit", AuditCommand.commandLine());
        cl.addSubcommand("eval", new CommandLine(new EvalCommand()));
        cl.addSubcommand("predict", new CommandLine(new PredictCommand()));
        cl.addSubcommand("report", new CommandLine(new ReportCommand()));
        cl.addSubcommand("bench", new CommandLine(new BenchCommand()));
        cl.addSubcommand("bench-speed", new CommandLine(new BenchSpeedCommand()));
        cl.addSubcommand("list", new CommandLine(new ListCommand()));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            if (t instanceof java.io.UncheckedIOException u) {
                t = u.getCause();
            }
            if (System.getenv("CBD4J_DEBUG") != null) {
                t.printStackTrace();
            }
            String msg = t.getMessage() == null ? t.toString() : t.getMessage();
            cmd.getErr().println("cbd: error: " + msg.lines().findFirst().orElse(msg));
            return (t instanceof IllegalArgumentException) ? USAGE : 1;
        });
        return cl.execute(args);
    }

    static String commandLine(String sub, String[] args) {
        // picocli's original arguments start with the subcommand's name when it was parsed from main.
        boolean named = args.length > 0 && args[0].equals(sub);
        return "cbd " + (named ? "" : sub + " ") + String.join(" ", args);
    }

    /** Reports the jar's version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"cbd4j " + org.cbd4j.report.Version.get()};
        }
    }
}
