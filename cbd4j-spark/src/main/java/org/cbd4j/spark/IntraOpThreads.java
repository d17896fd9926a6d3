package org.cbd4j.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * PyTorch's intra-op threads in an executor JVM, set before the engine starts there.
 *
 * <p>PyTorch uses one thread per core by default, and that count is per process. An executor
 * runs as many tasks at once as it has cores ({@code local[N]}: N tasks in the one JVM), each
 * scoring with its own models, so by default two tasks on two cores ran four compute threads that
 * stopped each other at every OpenMP barrier (measured in docs/RESULTS.md: local[2] 15 % slower
 * than with one thread per task). Each task gets cores / concurrent tasks threads instead, at
 * least one. A {@code -Dai.djl.pytorch.num_threads} given by the user wins.
 */
final class IntraOpThreads {

    static final String PROPERTY = "ai.djl.pytorch.num_threads";
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\d+)?]");

    private IntraOpThreads() {}

    /** How many tasks one executor JVM runs at once under {@code conf}. */
    static int concurrentTasks(SparkConf conf, int processors) {
        String master = conf.get("spark.master", "");
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) {
            return m.group(1).equals("*") ? processors : Math.max(1, Integer.parseInt(m.group(1)));
        }
        if (master.equals("local")) {
            return 1;
        }
        int cores = conf.getInt("spark.executor.cores", 1);
        return Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
    }

    /** Threads per task: the processors shared among the concurrent tasks, at least one. */
    static int perTask(int processors, int tasks) {
        return Math.max(1, processors / Math.max(1, tasks));
    }

    /** Sets {@link #PROPERTY} in this JVM unless it is set already (call before the first model loads). */
    static synchronized void choose() {
        SparkEnv env = SparkEnv.get();
        if (System.getProperty(PROPERTY) != null || env == null) {
            return;
        }
        int processors = Runtime.getRuntime().availableProcessors();
        System.setProperty(PROPERTY, String.valueOf(perTask(processors, concurrentTasks(env.conf(), processors))));
    }
}
