package org.cbd4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cbd4j.defense.CbdScores;

/**
 * CBD's flagging rule over the whole scored set, the second pass of the job: the rule
 * ({@link CbdScores#flagged}) cuts the distribution of every image's {@code ln l_C - ln l_B},
 * so it cannot be applied a partition at a time. Each partition sends its scored rows' seq,
 * label and two losses (16 bytes an image) to the driver, which runs the rule once and
 * broadcasts the flagged seqs back; the rows are marked where they are, without a shuffle.
 */
final class WholeSetFlags {

    /** The job's output table: id, label, suspicion, loss_fb, loss_fc, flagged, error. */
    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("suspicion", DataTypes.FloatType, true),
        DataTypes.createStructField("loss_fb", DataTypes.FloatType, true),
        DataTypes.createStructField("loss_fc", DataTypes.FloatType, true),
        DataTypes.createStructField("flagged", DataTypes.BooleanType, true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** One partition's scored rows and its error count per label (the last slot: rows without a label). */
    record Chunk(long[] seq, int[] label, float[] lossB, float[] lossC, long[] errors) implements Serializable {}

    /**
     * What the driver learned: the flagged seqs (sorted) and, per label (the last slot: rows
     * without a label), the images, flagged and errors.
     */
    record Flags(long[] flaggedSeqs, long[] images, long[] flagged, long[] errors) {

        long total(long[] counts) {
            return Arrays.stream(counts).sum();
        }
    }

    private WholeSetFlags() {}

    /** Collects the scored rows' losses and runs the flagging rule on them, once, on the driver. */
    static Flags compute(Dataset<Row> scored, int classes) {
        List<Chunk> chunks = scored.javaRDD().mapPartitions((Iterator<Row> rows) -> {
            // primitive builders: a partition of millions of rows costs 16 bytes a row, not boxes
            LongStream.Builder seq = LongStream.builder();
            IntStream.Builder label = IntStream.builder();
            DoubleStream.Builder b = DoubleStream.builder();
            DoubleStream.Builder c = DoubleStream.builder();
            long[] errors = new long[classes + 1];
            while (rows.hasNext()) {
                Row r = rows.next();
                if (r.isNullAt(6)) {
                    seq.add(r.getLong(0));
                    label.add(r.getInt(2));
                    b.add(r.getFloat(4));
                    c.add(r.getFloat(5));
                } else {
                    errors[r.isNullAt(2) ? classes : r.getInt(2)]++;
                }
            }
            return List.of(new Chunk(seq.build().toArray(), label.build().toArray(), floats(b), floats(c), errors))
                    .iterator();
        }).collect();
        int n = chunks.stream().mapToInt(ch -> ch.seq().length).sum();
        long[] seq = new long[n];
        int[] label = new int[n];
        float[] lossB = new float[n];
        float[] lossC = new float[n];
        long[] images = new long[classes + 1];
        long[] errors = new long[classes + 1];
        int at = 0;
        for (Chunk ch : chunks) { // in partition order: the input's order
            int m = ch.seq().length;
            System.arraycopy(ch.seq(), 0, seq, at, m);
            System.arraycopy(ch.label(), 0, label, at, m);
            System.arraycopy(ch.lossB(), 0, lossB, at, m);
            System.arraycopy(ch.lossC(), 0, lossC, at, m);
            at += m;
            for (int l = 0; l <= classes; l++) {
                errors[l] += ch.errors()[l];
                images[l] += ch.errors()[l];
            }
        }
        boolean[] flags = n == 0 ? new boolean[0] : CbdScores.flagged(lossB, lossC);
        long[] flagged = new long[classes + 1];
        List<Long> flaggedSeqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images[label[i]]++;
            if (flags[i]) {
                flagged[label[i]]++;
                flaggedSeqs.add(seq[i]);
            }
        }
        long[] sorted = flaggedSeqs.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Flags(sorted, images, flagged, errors);
    }

    /** The builder's values as floats (they were floats: float to double and back is exact). */
    private static float[] floats(DoubleStream.Builder b) {
        double[] d = b.build().toArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The output table: each scored row marked flagged or not, rows with an error left null. */
    static Dataset<Row> apply(Dataset<Row> scored, Flags flags) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(scored.sparkSession().sparkContext());
        Broadcast<long[]> seqs = jsc.broadcast(flags.flaggedSeqs());
        return scored.map((MapFunction<Row, Row>) r -> RowFactory.create(r.getString(1), r.isNullAt(2) ? null : r.getInt(2),
                r.isNullAt(3) ? null : r.getFloat(3), r.isNullAt(4) ? null : r.getFloat(4),
                r.isNullAt(5) ? null : r.getFloat(5),
                r.isNullAt(6) ? Arrays.binarySearch(seqs.value(), r.getLong(0)) >= 0 : null, r.getString(6)),
                Encoders.row(SCHEMA));
    }
}
