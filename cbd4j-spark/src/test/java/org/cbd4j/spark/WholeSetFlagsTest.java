package org.cbd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The second pass: CBD's rule over the whole scored set, not a partition at a time. 180 images
 * that both networks fit alike ({@code ln l_C - ln l_B} within about +-0.2) and 20 that f_B fits
 * and f_C does not ({@code ln(2 / 0.001)} = 7.6), in 8 partitions of about 25 rows: over the
 * whole set the 20 are a separate minority and exactly they are flagged, although in the first
 * partition, which holds all of them, they are the majority (where the rule, applied to that
 * partition alone, would flag nothing).
 */
class WholeSetFlagsTest {

    @Test
    void theSeparateMinorityIsFlaggedAcrossPartitions() {
        SparkSession spark = TinyRun.spark();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            boolean poisoned = i < 20;
            float lossB = poisoned ? 0.001f : 1f + 0.1f * (float) Math.sin(i);
            float lossC = poisoned ? 2f : lossB * (1f + 0.1f * (float) Math.cos(i));
            int label = i % 4;
            // the suspicion column is carried through as it is; any value will do
            rows.add(RowFactory.create((long) i, (poisoned ? "p" : "c") + i, label, 0.5f, lossB, lossC, null));
        }
        rows.add(RowFactory.create(1000L, "broken", 2, null, null, null, "broken: cannot decode image"));
        rows.add(RowFactory.create(1001L, "nolabel", null, null, null, null, "nolabel: no label"));
        Dataset<Row> scored = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 8), PartitionScorer.SCHEMA);

        float[] firstB = new float[25];
        float[] firstC = new float[25];
        for (int i = 0; i < 25; i++) {
            firstB[i] = rows.get(i).getFloat(4);
            firstC[i] = rows.get(i).getFloat(5);
        }
        boolean[] alone = org.cbd4j.defense.CbdScores.flagged(firstB, firstC);
        assertEquals(25, scored.javaRDD().glom().first().size(), "the first partition: rows 0..24");
        assertArrayEquals(new boolean[25], alone, "the first partition alone: nothing flagged");

        WholeSetFlags.Flags flags = WholeSetFlags.compute(scored, 4);
        // 20 poisoned, i = 0..19, labels i % 4: 5 in each class.
        assertArrayEquals(new long[] {5, 5, 5, 5, 0}, flags.flagged());
        assertArrayEquals(new long[] {50, 50, 51, 50, 1}, flags.images());
        assertArrayEquals(new long[] {0, 0, 1, 0, 1}, flags.errors());

        Map<String, Row> out = new HashMap<>();
        WholeSetFlags.apply(scored, flags).collectAsList().forEach(r -> out.put(r.getString(0), r));
        assertEquals(202, out.size());
        for (int i = 0; i < 200; i++) {
            boolean poisoned = i < 20;
            Row r = out.get((poisoned ? "p" : "c") + i);
            assertEquals(poisoned, r.getBoolean(5), "image " + i);
            assertNull(r.get(6));
        }
        assertNull(out.get("broken").get(5), "no flag without a score");
        assertEquals("broken: cannot decode image", out.get("broken").getString(6));
        assertNull(out.get("nolabel").get(1));
    }
}
