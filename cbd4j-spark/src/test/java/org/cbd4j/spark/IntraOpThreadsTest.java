package org.cbd4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class IntraOpThreadsTest {

    private static int tasks(String master, int processors, String... kv) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < kv.length; i += 2) {
            conf.set(kv[i], kv[i + 1]);
        }
        return IntraOpThreads.concurrentTasks(conf, processors);
    }

    @Test
    void localMastersRunTheirNumberOfTasksInOneJvm() {
        assertEquals(1, tasks("local", 8));
        assertEquals(2, tasks("local[2]", 8));
        assertEquals(8, tasks("local[*]", 8));
        assertEquals(3, tasks("local[3,2]", 8), "local[N,F]: N tasks, F retries");
    }

    @Test
    void clusterExecutorsRunCoresOverTaskCpusTasks() {
        assertEquals(1, tasks("spark://h:7077", 16));
        assertEquals(4, tasks("yarn", 16, "spark.executor.cores", "4"));
        assertEquals(2, tasks("yarn", 16, "spark.executor.cores", "4", "spark.task.cpus", "2"));
    }

    @Test
    void eachTaskGetsItsShareOfTheProcessorsAndAtLeastOne() {
        assertEquals(1, IntraOpThreads.perTask(2, 2));
        assertEquals(2, IntraOpThreads.perTask(2, 1));
        assertEquals(4, IntraOpThreads.perTask(16, 4));
        assertEquals(1, IntraOpThreads.perTask(2, 8));
    }
}
